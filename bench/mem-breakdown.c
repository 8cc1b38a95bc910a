/*
 * White-box breakdown of the bytes a membership costs (issue 15 point 3):
 * builds the bench's world shape (N workspaces x 100 members: the Partner
 * Manager, 89 team members, 10 partners of one organization; 10,000 team
 * users, 1,000 partner organizations x 10 users) through the API, then
 * prints each membership structure's capacity per membership and the RSS
 * growth. Not built by make (it reads internal headers); build it by hand
 * after `make`:
 *
 *   gcc -O2 -std=gnu11 -Ilib -Iinclude -I. bench/mem-breakdown.c \
 *       lib/.libs/libpartnerws.a -ljansson -lpthread -lm -o mem-breakdown
 *   ./mem-breakdown 10000     # 1M memberships; 100000 for 10M (~600 MB)
 *
 * "cap" figures count reserved capacity; RSS counts only touched pages
 * (the doubled tail of a large array is not resident until used).
 * SPDX-License-Identifier: MIT
 */
#include "core.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <malloc.h>
static long rss(void){FILE*f=fopen("/proc/self/statm","r");long a,b;if(fscanf(f,"%ld %ld",&a,&b)!=2)b=0;fclose(f);return b*4096;}
#define CK(x) do{int r_=(x);if(r_){fprintf(stderr,"%s: %d\n",#x,r_);exit(1);}}while(0)
static unsigned long long s=88172645463325252ULL;static unsigned rnd(unsigned n){s^=s<<13;s^=s>>7;s^=s<<17;return (unsigned)(s%n);}
/* what glibc's malloc takes for a block of b bytes (8-byte header, 16-byte granules, 32 at least) */
static unsigned long long CHUNK(unsigned long long b){unsigned long long c=(b+8+15)/16*16;return b==0?0:c<32?32:c;}
int main(int argc,char**argv){
 unsigned NWS=argc>1?atoi(argv[1]):10000,NT=10000,NO=1000,w,i,j,k;
 char id[64],em[96],t[64],d[64],wid[64];
 long r0=rss(); pws_policy*p; CK(pws_policy_new(&p,NULL));
 CK(pws_team_add(p,"pub","Publisher",PWS_PLAN_ENTERPRISE,0,NULL));CK(pws_team_add_domain(p,"pub","pub.com",NULL));
 CK(pws_team_set_editor_seats(p,"pub",100000000u,NULL));
 CK(pws_user_add(p,"pm","pm@pub.com","pub",PWS_TEAM_MEMBER,1,NULL));
 for(i=0;i<NT;i++){snprintf(id,64,"t%u",i);snprintf(em,sizeof em,"t%u@pub.com",i);CK(pws_user_add(p,id,em,"pub",PWS_TEAM_MEMBER,0,NULL));}
 for(k=0;k<NO;k++){snprintf(t,64,"org%u",k);snprintf(d,64,"org%u.example",k);CK(pws_team_add(p,t,t,PWS_PLAN_PROFESSIONAL,0,NULL));CK(pws_team_add_domain(p,t,d,NULL));
  for(j=0;j<10;j++){snprintf(id,64,"p%u_%u",k,j);snprintf(em,sizeof em,"p%u@%s",j,d);CK(pws_user_add(p,id,em,t,PWS_TEAM_MEMBER,0,NULL));}}
 long r1=rss(); unsigned long long nm=0;
 for(w=0;w<NWS;w++){snprintf(wid,64,"w%u",w);CK(pws_workspace_create(p,"pm",wid,wid,PWS_VIS_PARTNER,NULL,NULL));nm++;
  unsigned base=rnd(NT);
  for(i=0;i<89;i++){unsigned u=(base+i*97)%NT;snprintf(id,64,"t%u",u);snprintf(em,sizeof em,"t%u@pub.com",u);
   CK(pws_invite(p,"pm",wid,em,PWS_INVITE_MEMBER,PWS_ROLE_VIEWER,0,NULL));CK(pws_invite_accept(p,id,wid,NULL,NULL));nm++;}
  unsigned org=rnd(NO);
  for(j=0;j<10;j++){snprintf(id,64,"p%u_%u",org,j);snprintf(em,sizeof em,"p%u@org%u.example",j,org);
   CK(pws_invite(p,"pm",wid,em,PWS_INVITE_PARTNER,PWS_ROLE_VIEWER,0,NULL));CK(pws_invite_accept(p,id,wid,NULL,NULL));nm++;}}
 long r2=rss(); pws__model*m=&p->m; double N=(double)m->member_of.n; /* the slot is the membership */
 unsigned long long ul=0,gl=0,ulc=0,glc=0,uch=0,gch=0,wb=0;
 for(i=0;i<m->users.n;i++){ul+=USER(m,i)->members.cap*4ull;ulc++;uch+=CHUNK(USER(m,i)->members.cap*4ull);}
 for(i=0;i<m->groups.n;i++){gl+=GROUP(m,i)->list.cap*4ull;glc++;gch+=CHUNK(GROUP(m,i)->list.cap*4ull);}
 for(i=0;i<m->wss.n;i++)wb+=CHUNK(WS(m,i)->groups.cap*4ull);
 printf("memberships %.0f (counted %llu) users %u ws %u groups %u\n",N,nm,m->users.n,m->wss.n,m->groups.n);
 printf("member_of  %.2f B (cap %u x%zu, load %.3f)\n",m->member_of.cap*(double)sizeof(*m->member_of.s)/N,m->member_of.cap,sizeof(*m->member_of.s),m->member_of.n/(double)m->member_of.cap);
 printf("user lists %.2f B (+malloc hdr %.2f; as glibc chunks %.2f B)\n",ul/N,ulc*16/N,uch/N);
 printf("grp lists  %.2f B (+malloc hdr %.2f; as glibc chunks %.2f B)\n",gl/N,glc*16/N,gch/N);
 /* per workspace (the bench's world has 100 members a workspace, so these are a
  * constant share of a membership at any scale): record, groups, group_of, id map
  * (32 B a slot without key tails), ws_h, groups' index list */
 printf("workspaces %.2f B (records %u x%zu, groups %u x%zu, group_of cap %u x16, ws_ids %u slots x32, ws_h, ws.groups %.2f)\n",
  (m->wss.n*(double)sizeof(pws__ws)+m->groups.n*(double)sizeof(pws__group)+m->group_of.cap*16.0+(m->ws_ids.mask+1.0)*32+m->ws_h.cap*4.0+wb)/N,
  m->wss.n,sizeof(pws__ws),m->groups.n,sizeof(pws__group),m->group_of.cap,m->ws_ids.mask+1,wb/N);
 printf("seat_of    %.2f B  seen_of %.2f B invite_of %.2f B invites %.2f B\n",m->seat_of.cap*16.0/N,m->seen_of.cap*16.0/N,m->invite_of.cap*16.0/N,m->invites.cap*16.0/N);
 printf("RSS directory %.1f MiB, growth over memberships %.2f B/memb, whole policy %.2f B/memb\n",(r1-r0)/1048576.0,(r2-r1)/N,(r2-r0)/N);
 {struct mallinfo2 mi=mallinfo2();printf("heap: in use %.1f MiB, free %.1f MiB (%.2f B/memb), mmapped %.1f MiB; string arena %.1f KiB used of the current block\n",
  mi.uordblks/1048576.0,mi.fordblks/1048576.0,mi.fordblks/N,mi.hblkhd/1048576.0,m->strs.used/1024.0);}
 pws_policy_free(p); return 0;}
