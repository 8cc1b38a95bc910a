#!/usr/bin/env python3
"""Generate one man(3) page per exported function from the doxygen
comments of the public headers, plus man/man.am listing every page.

Run by `make man` (developers only); the pages are committed and shipped in
the tarball, so users need neither Python nor doxygen. tests/check-man.sh
regenerates them into a scratch directory and fails if the committed pages
are stale or if an exported symbol has no page.

Examples: a function's comment may carry one example,

    @par Example
    @code
    ...C...
    @endcode

Either a whole program (it defines main()) or a fragment: the body of
`int example(pws_policy *p)` in which `pws_result res = PWS_RESULT_INIT;` is
declared, compiled with <partnerws.h> (and <partnerws-sqlite.h> for that
header), <stdio.h>, <stdlib.h>, <string.h>, <time.h> and <inttypes.h>
included. A
function without an example of its own shows the first example (in header
order) that calls it. tests/check-man-examples.sh compiles and links every
example (genman.py --examples writes them out).

Usage: genman.py INCLUDE_DIR OUT_DIR VERSION
       genman.py --examples INCLUDE_DIR OUT_DIR
"""
import os
import re
import sys

DECL = re.compile(r'/\*\*(?P<doc>(?:(?!\*/).)*?)\*/\s*PWS_EXTERN\s+(?P<decl>[^;]*?;)', re.S)
NAME = re.compile(r'\b(pws_[a-z0-9_]+)\s*\(')


def clean_doc(doc):
    lines = []
    for line in doc.split('\n'):
        line = re.sub(r'^\s*\* ?', '', line)
        lines.append(line.rstrip())
    return lines


DOCS = ('STORAGE.md', 'SNAPSHOT.md', 'POLICY.md', 'DECISIONS.md', 'DEPLOYMENT.md')
ENTITIES = {'&lt;': '<', '&gt;': '>', '&quot;': '"', '&amp;': '&'}


def roff_inline(text):
    text = text.replace('\\', '\\e')
    text = re.sub(r'<tt>(.*?)</tt>', r'\\fB\1\\fP', text)
    text = re.sub(r'&(lt|gt|quot|amp);', lambda m: ENTITIES[m.group(0)], text)
    text = re.sub(r'\bdoc/(\w+\.md)\b', r'\1', text)
    text = re.sub(r'::(\w+)', r'\1', text)
    text = re.sub(r'@p\s+(\w+)', r'\\fI\1\\fP', text)
    text = re.sub(r'@c\s+([\w.]+)', r'\\fB\1\\fP', text)
    text = re.sub(r'@ref\s+(\w+)', r'\1', text)
    text = text.replace('-', '\\-')
    return text


def para(lines):
    out = []
    for line in lines:
        line = roff_inline(line.strip())
        if not line:
            out.append('.PP')
            continue
        if line[0] in ".'":
            line = '\\&' + line
        out.append(line)
    # collapse repeated paragraph breaks
    res = []
    for l in out:
        if l == '.PP' and (not res or res[-1] == '.PP'):
            continue
        res.append(l)
    while res and res[-1] == '.PP':
        res.pop()
    return res


def parse(doc_lines):
    sections = {'brief': [], 'desc': [], 'params': [], 'return': [],
                'since': '', 'note': [], 'example': None}
    cur = 'desc'
    code = None
    for line in doc_lines:
        if code is not None:
            if line.strip() == '@endcode':
                sections['example'] = code
                code = None
                cur = 'none'
            else:
                code.append(line)
            continue
        if re.match(r'@code(\{\.c\})?\s*$', line.strip()):
            code = []
            continue
        if re.match(r'@par\s+Example\s*$', line.strip()):
            cur = 'none'
            continue
        m = re.match(r'@(brief|param(?:\[\w+\])?|return|since|note|def|ingroup)\s*(.*)', line)
        if m:
            tag, rest = m.group(1), m.group(2)
            if tag == 'brief':
                cur = 'brief'
                sections['brief'].append(rest)
            elif tag.startswith('param'):
                pm = re.match(r'(\w+)\s*(.*)', rest)
                sections['params'].append([pm.group(1), [pm.group(2)]])
                cur = 'param'
            elif tag == 'return':
                cur = 'return'
                sections['return'].append(rest)
            elif tag == 'since':
                sections['since'] = rest
                cur = 'none'
            elif tag == 'note':
                cur = 'note'
                sections['note'].append(rest)
            continue
        if cur == 'brief':
            if not line.strip():
                cur = 'desc'
            else:
                sections['brief'].append(line)
        elif cur == 'param':
            if not line.strip():
                cur = 'desc'
            else:
                sections['params'][-1][1].append(line)
        elif cur in ('desc', 'return', 'note'):
            sections[cur].append(line)
    if code is not None:
        sys.exit('genman.py: @code without @endcode')
    return sections


def dedent(code):
    while code and not code[-1].strip():
        code.pop()
    while code and not code[0].strip():
        code.pop(0)
    return code


def is_program(code):
    return any(re.match(r'\s*int\s+main\s*\(', l) for l in code)


def wrap_decl(decl, width=72):
    """Breaks a declaration between parameters, continuation lines aligned
    after the opening parenthesis, as man pages print synopses."""
    d = ' '.join(decl.split())
    d = re.sub(r'\(\s+', '(', d)
    head, _, rest = d.partition('(')
    params = [x.strip() for x in rest.rstrip(';').rstrip()[:-1].split(',')]
    indent = ' ' * (len(head) + 1)
    lines = []
    cur = head + '('
    for i, prm in enumerate(params):
        piece = prm + (', ' if i < len(params) - 1 else ');')
        if len(cur) + len(piece.rstrip()) > width and cur.strip() != head + '(':
            lines.append(cur.rstrip())
            cur = indent
        cur += piece
    lines.append(cur.rstrip())
    return lines


def roff_code(line):
    line = line.replace('\\', '\\e').replace('-', '\\-')
    # a leading dot or quote would be a request; an empty line stays one
    if not line or line[0] in ".'":
        line = '\\&' + line
    return line


def calls(code, names):
    text = '\n'.join(code)
    return [n for n in NAME.findall(text) if n in names]


def see_also(name, s, fn, funcs):
    """Functions named in the text, siblings sharing the prefix up to the
    second underscore in the same header (else the header's other
    functions), and functions the example calls."""
    text = ' '.join(s['brief'] + s['desc'] + s['return'] + s['note'] +
                    [' '.join(t) for _, t in s['params']])
    named = [n for n in re.findall(r'\b(pws_[a-z0-9_]+)\(\)', text) if n in funcs]
    m = re.match(r'(pws_[a-z0-9]+_)', name)
    prefix = m.group(1) if m else name
    siblings = [n for n in funcs if (n.startswith(prefix) or n == prefix[:-1]) and
                funcs[n]['header'] == fn['header']]
    if len(siblings) < 2:
        # no family of its own: the functions of its header (its group)
        siblings = [n for n in funcs if funcs[n]['header'] == fn['header']]
    used = calls(fn['shown'] or [], funcs)
    out = []
    for n in named + siblings[:10] + used:
        if n != name and n not in out:
            out.append(n)
    return sorted(out[:14])


def page(name, fn, funcs, version):
    s, decl, header = fn['s'], fn['decl'], fn['header']
    # a companion library's header (partnerws-sqlite.h, partnerws-pg.h)
    # names its own pkg-config module
    base = os.path.basename(header)
    inc = base if re.match(r'partnerws-[a-z]+\.h$', base) else 'partnerws.h'
    brief = ' '.join(x.strip() for x in s['brief']).rstrip('.')
    out = ['.\\" Generated by tools/genman.py from %s; do not edit.' % header,
           '.TH %s 3 "" "libpartnerws %s" "libpartnerws Manual"' % (name.upper(), version),
           '.SH NAME', '%s \\- %s' % (name, roff_inline(brief)),
           '.SH SYNOPSIS', '.nf', '.B #include <%s>' % inc, '.PP']
    out += [roff_code(l) for l in wrap_decl(decl)]
    pc = inc[:-2].replace('-', '\\-')
    out += ['.fi', '.PP', 'Compile and link with', '.IR "pkg\\-config \\-\\-cflags \\-\\-libs %s" .' % pc]
    out.append('.SH DESCRIPTION')
    out += para(s['desc']) or [roff_inline(brief) + '.']
    if s['note']:
        out.append('.PP')
        out += para(['Note: ' + s['note'][0]] + s['note'][1:])
    if s['params']:
        out.append('.SH PARAMETERS')
        for pname, text in s['params']:
            out += ['.TP', '.I %s' % pname]
            out += [l for l in para(text) if l != '.PP']
    if s['return']:
        out.append('.SH RETURN VALUE')
        out += para(s['return'])
    out.append('.SH THREAD SAFETY')
    out.append('See')
    out.append('.BR partnerws (7).')
    if s['since']:
        out += ['.SH VERSIONS', 'Available since libpartnerws %s.' % s['since'].strip()]
    code = fn['shown']
    if code:
        out.append('.SH EXAMPLES')
        if fn['shared_from']:
            out += ['From', '.BR %s (3):' % fn['shared_from']]
        if not is_program(code):
            uses_res = re.search(r'\bres\b', '\n'.join(code))
            out += ['A fragment: the body of a function with the policy handle',
                    '.I p', '.RB ( "pws_policy\\ *" )']
            if uses_res:
                out += ['and a', '.B pws_result', '.I res',
                        'initialized with', '.B PWS_RESULT_INIT']
            out += ['in scope:']
        out += ['.PP', '.in +4n', '.EX']
        out += [roff_code(l.replace('\t', '    ')) for l in code]
        out += ['.EE', '.in']
    docs = sorted(set(d for d in DOCS if re.search(r'\b' + re.escape(d), fn['raw'])))
    if docs:
        out += ['.SH FILES']
        for d in docs:
            out += ['.TP', '.I %s' % d,
                    'in the package documentation directory',
                    '(/usr/local/share/doc/libpartnerws by default).']
    out.append('.SH SEE ALSO')
    for n in see_also(name, s, fn, funcs):
        out.append('.BR %s (3),' % n)
    out.append('.BR partnerws (7)')
    return '\n'.join(out) + '\n'


def collect(inc):
    headers = []
    for root, _, files in os.walk(inc):
        for f in sorted(files):
            if f.endswith('.h'):
                headers.append(os.path.join(root, f))
    funcs = {}
    for h in sorted(headers):
        text = open(h, encoding='utf-8').read()
        rel = os.path.relpath(h, os.path.dirname(inc.rstrip('/')) or '.')
        for m in DECL.finditer(text):
            nm = NAME.search(m.group('decl'))
            if not nm:
                continue
            s = parse(clean_doc(m.group('doc')))
            if s['example'] is not None:
                s['example'] = dedent(s['example'])
            funcs[nm.group(1)] = {'s': s, 'decl': m.group('decl'), 'header': rel,
                                  'raw': m.group('doc'), 'shown': s['example'],
                                  'shared_from': None}
    # A function without its own example shows the first one that calls it.
    # Preferred: one of a function sharing its prefix (pws_iter_...).
    for name, fn in funcs.items():
        if fn['shown']:
            continue
        users = [o for o, ofn in funcs.items()
                 if ofn['s']['example'] and name in calls(ofn['s']['example'], funcs)]
        m = re.match(r'(pws_[a-z0-9]+_)', name)
        near = [o for o in users if m and o.startswith(m.group(1))]
        if near or users:
            other = (near or users)[0]
            fn['shown'] = funcs[other]['s']['example']
            fn['shared_from'] = other
    return funcs


def write_examples(inc, outdir):
    """One file per example, NAME.c (a program) or NAME.frag (a fragment),
    and NAME.sqlite next to it when it needs the SQLite adapter."""
    os.makedirs(outdir, exist_ok=True)
    for name, fn in collect(inc).items():
        code = fn['s']['example']
        if not code:
            continue
        ext = '.c' if is_program(code) else '.frag'
        with open(os.path.join(outdir, name + ext), 'w', encoding='utf-8') as fp:
            fp.write('\n'.join(code) + '\n')
        m = re.search(r'partnerws-([a-z]+)\.h$', fn['header'])
        if m:  # needs its companion library: NAME.sqlite, NAME.pg
            open(os.path.join(outdir, name + '.' + m.group(1)), 'w').close()


def main():
    if sys.argv[1] == '--examples':
        write_examples(sys.argv[2], sys.argv[3])
        return
    inc, outdir, version = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(outdir, exist_ok=True)
    funcs = collect(inc)
    for name, fn in funcs.items():
        with open(os.path.join(outdir, name + '.3'), 'w', encoding='utf-8') as fp:
            fp.write(page(name, fn, funcs, version))
    names = sorted(funcs)
    with open(os.path.join(outdir, 'man.am'), 'w', encoding='utf-8') as fp:
        fp.write('# Generated by tools/genman.py; do not edit.\n')
        fp.write('GENERATED_MANS = \\\n')
        fp.write(' \\\n'.join('\tman/%s.3' % n for n in names) + '\n')


if __name__ == '__main__':
    main()
