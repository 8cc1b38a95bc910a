/*
 * White-box breakdown of the bytes a membership costs (issue 15 point 3):
 * builds a world through the API, then prints each structure's capacity
 * per membership, what of it is resident, and the RSS growth.
 *  - default world: N workspaces x 100 members (the Partner Manager, 89
 *    team members, 10 partners of one organization; 10,000 team users
 *    tN, 1,000 partner organizations x 10 users);
 *  - "bench" (second argument): bench/bench's world, with its ids and
 *    addresses (uN@pub.com, pK_J@orgK.example, wsN) and every tenth
 *    workspace multi-partner (2 users of each of 5 organizations); its
 *    "whole policy" figure is the one bench/bench prints.
 * Not built by make (it reads internal headers); build it by hand
 * after `make`:
 *
 *   gcc -O2 -std=gnu11 -Ilib -Iinclude -I. bench/mem-breakdown.c \
 *       lib/.libs/libpartnerws.a -ljansson -lpthread -lm -o mem-breakdown
 *   ./mem-breakdown 10000 [bench]  # 1M memberships; 100000 for 10M (~600 MB)
 *
 * "cap" figures count reserved capacity; RSS counts only touched pages
 * (the doubled tail of a large array is not resident until used); "res"
 * is what mincore() finds resident of a table's block.
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE 1
#include "core.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>
static long rss(void){FILE*f=fopen("/proc/self/statm","r");long a,b;if(fscanf(f,"%ld %ld",&a,&b)!=2)b=0;fclose(f);return b*4096;}
#define CK(x) do{int r_=(x);if(r_){fprintf(stderr,"%s: %d\n",#x,r_);exit(1);}}while(0)
static unsigned long long s=88172645463325252ULL;static unsigned rnd(unsigned n){s^=s<<13;s^=s>>7;s^=s<<17;return (unsigned)(s%n);}
/* what glibc's malloc takes for a block of b bytes (8-byte header, 16-byte granules, 32 at least) */
static unsigned long long CHUNK(unsigned long long b){unsigned long long c=(b+8+15)/16*16;return b==0?0:c<32?32:c;}
/* resident bytes of [p, p + n) (whole pages; a heap block counts whole) */
static double res(const void *p,size_t n){
 long pg=sysconf(_SC_PAGESIZE);uintptr_t a=(uintptr_t)p&~(uintptr_t)(pg-1),b=((uintptr_t)p+n+pg-1)&~(uintptr_t)(pg-1);
 size_t np=(b-a)/pg,i,c=0;unsigned char*v;if(!p||!n)return 0;v=malloc(np);
 if(mincore((void*)a,b-a,v)){free(v);return (double)n;}for(i=0;i<np;i++)c+=v[i]&1;free(v);return (double)c*pg;}
static void smap_line(const char*name,const pws__smap*m,double N){
 size_t sl,nslots=m->cells?(size_t)m->mask+1:0;if(!nslots){printf("  %-10s empty\n",name);return;}
 sl=nslots<<m->shift; /* tails in the cells (tshift 6): counted as slots */
 printf("  %-10s n %7u slots %7zu (load %.2f): slots %.2f aux %.2f keys %.2f tails %.2f B res (cap %.2f B)\n",name,m->n,nslots,m->n/(double)nslots,
  res(m->cells,sl)/N,m->wide?0.0:res(m->aux,nslots*8)/N,m->keys?res(m->keys,nslots*sizeof(char*))/N:0.0,m->tailb&&m->tshift==5?res(m->tailb,nslots*32)/N:0.0,
  (double)nslots*((m->wide?32u:sizeof(pws__smap_slot)+8)+(m->keys?8:0)+(m->tailb?32:0))/N);}
static void vec_line(const char*name,const pws__vec*v,double N){
 printf("  %-10s n %7u cap %7u x%3u: %.2f B res (cap %.2f B)\n",name,v->n,v->cap,v->size,res(v->v,(size_t)v->cap*v->size)/N,(double)v->cap*v->size/N);}
static void umap_line(const char*name,const pws__umap*u,double N){
 printf("  %-10s n %7u cap %7u x%zu (load %.2f): %.2f B\n",name,u->n,u->cap,sizeof(pws__umap_slot),u->cap?u->n/(double)u->cap:0.0,CHUNK(u->cap*(unsigned long long)sizeof(pws__umap_slot))/N);}
int main(int argc,char**argv){
 unsigned NWS=argc>1?atoi(argv[1]):10000,NT=10000,NO=1000,w,i,j,k;int bench=argc>2&&!strcmp(argv[2],"bench");
 char id[64],em[96],t[64],d[64],wid[64];
 long r0=rss(); pws_policy*p; CK(pws_policy_new(&p,NULL));
 CK(pws_team_add(p,"pub","Publisher",PWS_PLAN_ENTERPRISE,0,NULL));CK(pws_team_add_domain(p,"pub","pub.com",NULL));
 CK(pws_team_set_editor_seats(p,"pub",100000000u,NULL));
 CK(pws_user_add(p,"pm","pm@pub.com","pub",PWS_TEAM_MEMBER,1,NULL));
 for(i=0;i<NT;i++){snprintf(id,64,bench?"u%u":"t%u",i);snprintf(em,sizeof em,bench?"u%u@pub.com":"t%u@pub.com",i);CK(pws_user_add(p,id,em,"pub",PWS_TEAM_MEMBER,0,NULL));}
 for(k=0;k<NO;k++){snprintf(t,64,"org%u",k);snprintf(d,64,"org%u.example",k);CK(pws_team_add(p,t,t,PWS_PLAN_PROFESSIONAL,0,NULL));CK(pws_team_add_domain(p,t,d,NULL));
  for(j=0;j<10;j++){snprintf(id,64,"p%u_%u",k,j);if(bench)snprintf(em,sizeof em,"p%u_%u@%s",k,j,d);else snprintf(em,sizeof em,"p%u@%s",j,d);CK(pws_user_add(p,id,em,t,PWS_TEAM_MEMBER,0,NULL));}}
 long r1=rss(); unsigned long long nm=0;
 for(w=0;w<NWS;w++){snprintf(wid,64,bench?"ws%u":"w%u",w);CK(pws_workspace_create(p,"pm",wid,wid,PWS_VIS_PARTNER,NULL,NULL));nm++;
  unsigned base=rnd(NT);
  for(i=0;i<89;i++){unsigned u=(base+i*97)%NT;snprintf(id,64,bench?"u%u":"t%u",u);snprintf(em,sizeof em,bench?"u%u@pub.com":"t%u@pub.com",u);
   CK(pws_invite(p,"pm",wid,em,PWS_INVITE_MEMBER,rnd(3)?PWS_ROLE_VIEWER:PWS_ROLE_EDITOR,0,NULL));CK(pws_invite_accept(p,id,wid,NULL,NULL));nm++;}
  if(!bench||w%10!=9){unsigned org=rnd(NO);
   for(j=0;j<10;j++){snprintf(id,64,"p%u_%u",org,j);if(bench)snprintf(em,sizeof em,"p%u_%u@org%u.example",org,j,org);else snprintf(em,sizeof em,"p%u@org%u.example",j,org);
    CK(pws_invite(p,"pm",wid,em,PWS_INVITE_PARTNER,rnd(2)?PWS_ROLE_VIEWER:PWS_ROLE_EDITOR,0,NULL));CK(pws_invite_accept(p,id,wid,NULL,NULL));nm++;}}
  else{unsigned orgs[5],q;for(k=0;k<5;k++){do{orgs[k]=rnd(NO);for(q=0;q<k&&orgs[q]!=orgs[k];q++);}while(q<k);
    unsigned a=rnd(10),b;do b=rnd(10);while(b==a);unsigned two[2]={a,b};
    for(j=0;j<2;j++){snprintf(id,64,"p%u_%u",orgs[k],two[j]);snprintf(em,sizeof em,"p%u_%u@org%u.example",orgs[k],two[j],orgs[k]);
     CK(pws_invite(p,"pm",wid,em,PWS_INVITE_PARTNER,rnd(2)?PWS_ROLE_VIEWER:PWS_ROLE_EDITOR,0,NULL));CK(pws_invite_accept(p,id,wid,NULL,NULL));nm++;}}}}
 if(bench)for(w=9;w<NWS;w+=10){snprintf(wid,64,"ws%u",w);CK(pws_workspace_enable_multi_partner(p,"pm",wid,NULL));}
 long r2=rss(); pws__model*m=&p->m; double N=(double)m->member_of.n; /* the slot is the membership */
 unsigned long long ul=0,gl=0,glc=0,gch=0,wb=0;
 for(i=0;i<m->users.n;i++)ul+=USER(m,i)->members.cap*4ull;
 for(i=0;i<m->groups.n;i++){gl+=GROUP(m,i)->list.cap*4ull;glc++;gch+=CHUNK(GROUP(m,i)->list.cap*4ull);}
 for(i=0;i<m->wss.n;i++)wb+=CHUNK(WS(m,i)->groups.cap*4ull);
 printf("world %s: memberships %.0f (counted %llu) users %u ws %u groups %u atoms %u\n",bench?"bench":"default",N,nm,m->users.n,m->wss.n,m->groups.n,m->atom_str.n);
 printf("member_of  %.2f B (cap %u x%zu, load %.3f)\n",m->member_of.cap*(double)sizeof(*m->member_of.s)/N,m->member_of.cap,sizeof(*m->member_of.s),m->member_of.n/(double)m->member_of.cap);
 printf("user lists %.2f B of capacity; their region (model.ulists): %.2f B used (a header word a list), %.2f B dead, %.2f B mapped, %.2f B resident\n",
        ul/N,(double)m->ulists.top*4/N,(double)m->ulists.dead*4/N,(double)m->ulists.cap*4/N,res(m->ulists.buf,m->ulists.cap*4)/N);
 printf("grp lists  %.2f B (+malloc hdr %.2f; as glibc chunks %.2f B)\n",gl/N,glc*16/N,gch/N);
 /* per workspace (the bench's world has 100 members a workspace, so these are a
  * constant share of a membership at any scale): record, groups, group_of, id map
  * (32 B a slot without key tails), ws_h, groups' index list */
 printf("workspaces %.2f B (records %u x%zu, groups %u x%zu, group_of cap %u x12, ws_ids %u slots x32, ws_h, ws.groups %.2f)\n",
  (m->wss.n*(double)sizeof(pws__ws)+m->groups.n*(double)sizeof(pws__group)+m->group_of.cap*(double)sizeof(pws__umap_slot)+(m->ws_ids.mask+1.0)*32+m->ws_h.cap*4.0+wb)/N,
  m->wss.n,sizeof(pws__ws),m->groups.n,sizeof(pws__group),m->group_of.cap,m->ws_ids.mask+1,wb/N);
 printf("seat_of    %.2f B  seen_of %.2f B invite_of %.2f B invites %.2f B\n",m->seat_of.cap*12.0/N,m->seen_of.cap*12.0/N,m->invite_of.cap*12.0/N,m->invites.cap*16.0/N);
 printf("string maps, B per membership resident (mincore):\n");
 smap_line("user_ids",&m->user_ids,N);smap_line("ws_ids",&m->ws_ids,N);smap_line("atoms",&m->atoms,N);smap_line("team_ids",&m->team_ids,N);
 printf("arrays:\n");
 vec_line("users",&m->users,N);vec_line("wss",&m->wss,N);vec_line("groups",&m->groups,N);vec_line("teams",&m->teams,N);vec_line("atom_str",&m->atom_str,N);vec_line("invites",&m->invites,N);
 printf("  user_h/ws_h cap %u/%u: %.2f B\n",m->user_h.cap,m->ws_h.cap,(CHUNK(m->user_h.cap*4ull)+CHUNK(m->ws_h.cap*4ull))/N);
 umap_line("group_of",&m->group_of,N);printf("user_of_atom %.2f B\n", m->user_of_atom.cap*4.0/N);umap_line("by_domain",&m->team_by_domain,N);umap_line("invite_of",&m->invite_of,N);umap_line("seat_of",&m->seat_of,N);
 {unsigned long long nm2=0,tl=0;for(i=0;i<m->wss.n;i++){const pws__ws*W=WS(m,i);if(W->name&&!W->name_strs)nm2+=CHUNK(strlen(W->name)+1);}for(i=0;i<m->teams.n;i++)tl+=CHUNK(TEAM(m,i)->users.cap*4ull)+CHUNK(TEAM(m,i)->domains.cap*4ull)+CHUNK(TEAM(m,i)->workspaces.cap*4ull);
  printf("  ws names as chunks %.2f B; teams' lists %.2f B\n",nm2/N,tl/N);}
 printf("RSS directory %.1f MiB, growth over memberships %.2f B/memb, whole policy %.2f B/memb\n",(r1-r0)/1048576.0,(r2-r1)/N,(r2-r0)/N);
 {struct mallinfo2 mi=mallinfo2();printf("heap: in use %.1f MiB, free %.1f MiB (%.2f B/memb), mmapped %.1f MiB; string arena %.1f KiB used of the current block\n",
  mi.uordblks/1048576.0,mi.fordblks/1048576.0,mi.fordblks/N,mi.hblkhd/1048576.0,m->strs.used/1024.0);}
 pws_policy_free(p); return 0;}
