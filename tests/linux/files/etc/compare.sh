# Everyday busybox commands, run by scripts/suites/linux-compare.sh on KOZO
# (this file is /etc/compare.sh in the archive) and on the host with the
# same busybox in the same tree (bubblewrap), outputs compared one by one.
# Each `t` prints "@@ <command>", its output (stdout and stderr, stdin from
# /dev/null), a newline and "@@ status N".  `d` marks a deliberate difference
# (docs/LINUX-ABI.md): run and shown, not counted.
t() { printf '@@ %s\n' "$1"; (eval "$1") </dev/null 2>&1; printf '\n@@ status %s\n' "$?"; }
d() { printf '@@ deliberate %s\n' "$1"; (eval "$1") </dev/null 2>&1; printf '\n@@ status %s\n' "$?"; }
cd /

# ---- text tools ----
t 'echo hello world'
t "printf '%s-%d-%x\n' a 5 255"
t 'cat /etc/motd'
t 'sort /etc/fruits'
t 'sort -r /etc/fruits'
t 'sort /etc/fruits /etc/fruits | uniq -c'
t 'sort /etc/fruits /etc/fruits | uniq -d'
t 'wc /etc/fruits'
t 'wc -c /etc/motd'
t 'wc -w < /etc/motd'
t 'head -n 2 /etc/fruits'
t 'tail -n 2 /etc/fruits'
t 'head -c 7 /etc/motd'
t 'tail -c 9 /etc/motd'
t 'tr a-z A-Z < /etc/motd'
t 'tr -d aeiou < /etc/fruits'
t "echo 'a   b    c' | tr -s ' '"
t 'cut -c1-3 /etc/fruits'
t "cut -d' ' -f2 /etc/motd"
t 'grep -c a /etc/fruits'
t 'grep -n e /etc/fruits'
t 'grep -v a /etc/fruits'
t "grep -E 'p(e|l)' /etc/fruits"
t 'grep -q kiwi /etc/fruits'
t "sed 's/a/A/g' /etc/fruits"
t "sed -n '2p' /etc/fruits"
t "sed '1d;\$d' /etc/fruits"
t "awk '{ print length(\$0), \$0 }' /etc/fruits"
t "awk '{ s += length(\$0) } END { print s, NR }' /etc/fruits"
t "echo a:b:c | awk -F: '{ print \$2 }'"
t 'rev < /etc/motd'
t 'nl /etc/fruits'
t 'tac /etc/fruits'
t 'paste -s -d, /etc/fruits'
t 'seq 1 10 | paste - -'
t 'seq 1 2 9'
t 'seq 5 | tr "\n" " "'
t 'od -c /etc/motd | head -n 2'
t 'hexdump -C /etc/motd | head -n 2'
t 'md5sum /etc/motd'
t 'sha1sum /etc/motd'
t 'sha256sum /etc/motd'
t 'cksum /etc/motd'
t 'sum /etc/motd'
t 'base64 /etc/motd'
t 'echo aGVsbG8gd29ybGQ= | base64 -d'
t 'fold -w 10 /etc/motd'
t "printf 'a\tb\n' | expand"
t 'strings /etc/motd'
t 'diff /etc/motd /etc/motd; echo same $?'
t 'cmp /etc/motd /etc/fruits'
t 'echo a b c | xargs -n 1'
t 'echo a b | xargs echo x'
t 'sort -n <<EOF
10
9
100
EOF'
t "printf 'b 2\na 1\nc 3\n' | sort -k2 -n"
t 'seq 1 1000 | md5sum'
t 'seq 1 1000 | tail -n 1'
t 'expr 3 + 4 \* 2'
t 'basename /a/b/c.txt .txt'
t 'dirname /a/b/c'
t 'factor 84'
t "echo '2^10' | bc"
t "dc -e '2 3 + p'"
t 'yes | head -n 3'
t 'echo hello | gzip | gunzip'
t 'echo hello | bzip2 | bunzip2'
t 'seq 1 3 | tee /tmp/tee.out | wc -l; cat /tmp/tee.out'
t 'cal 1 2000'
t "printf '%5s|%-5s|%05d\n' ab cd 42"

# ---- files ----
t 'ls /etc'
t 'ls -a /tmp'
t 'ls /dev'
t 'mkdir -p /tmp/a/b/c && ls -R /tmp/a'
t 'mkdir /tmp; echo $?'
t 'mkdir /nope/x'
t 'mkdir /newdir'
t 'touch /tmp/f && test -f /tmp/f && echo file'
t 'echo one > /tmp/g; echo two >> /tmp/g; cat /tmp/g'
t 'seq 1 5000 > /tmp/s; wc -l /tmp/s; tail -n 1 /tmp/s'
t 'seq 1 20000 > /tmp/big; wc -c /tmp/big; md5sum /tmp/big'
t 'cp /etc/motd /tmp/m && cmp /etc/motd /tmp/m && echo copied'
t 'mkdir -p /tmp/d1/d2 && echo x > /tmp/d1/d2/f && cp -r /tmp/d1 /tmp/d3 && find /tmp/d3 | sort'
t 'echo x > /tmp/mv1 && mv /tmp/mv1 /tmp/mv2 && ls /tmp/mv1 /tmp/mv2'
t 'mkdir -p /tmp/md/sub && echo y > /tmp/md/sub/f && mv /tmp/md /tmp/md2 && cat /tmp/md2/sub/f'
t 'echo x > /tmp/ln1 && ln /tmp/ln1 /tmp/ln2 && stat -c %h /tmp/ln1 && rm /tmp/ln1 && cat /tmp/ln2'
t 'ln -s /etc/motd /tmp/sl && readlink /tmp/sl && head -n 1 /tmp/sl'
t 'ln -s nowhere /tmp/dang; cat /tmp/dang; test -L /tmp/dang && echo link'
t 'mkdir -p /tmp/r/x && ln -s /tmp/r /tmp/rl && readlink -f /tmp/rl/x'
t 'echo x > /tmp/c; chmod 640 /tmp/c; stat -c %a /tmp/c; chmod u+x /tmp/c; stat -c %A /tmp/c'
t 'chmod 777 /etc/motd'
t 'rm /etc/motd'
t 'rm /tmp/nothing'
t 'rm -f /tmp/nothing; echo $?'
t 'mkdir -p /tmp/rr/a/b && touch /tmp/rr/a/b/f && rm -r /tmp/rr && ls /tmp/rr'
t 'mkdir /tmp/e && rmdir /tmp/e && echo gone'
t 'mkdir -p /tmp/ne/x; rmdir /tmp/ne'
t 'stat -c "%s %F" /etc/motd'
t 'stat -c %F /tmp /dev/null'
t 'find /etc -type f | sort'
t 'find /tmp -name "*.out"'
t 'truncate -s 100 /tmp/tr && stat -c %s /tmp/tr'
t 'dd if=/dev/zero bs=512 count=4 2>/dev/null | wc -c'
t 'head -c 100 /dev/urandom | wc -c'
t 'cat /dev/null | wc -c'
t 'echo gone > /dev/null; echo $?'
t 'touch -d "2001-02-03 04:05:06" /tmp/t && date -r /tmp/t "+%Y-%m-%d %H:%M:%S"'
t 'test -d /etc && test ! -e /nonexistent && test -x /bin/busybox && echo ok'
t 'cd /tmp && mkdir -p w && cd w && pwd && cd .. && pwd'
t 'tar -C /etc -cf /tmp/t.tar fruits motd && tar -tf /tmp/t.tar'
t 'mkdir -p /tmp/x1 && tar -C /tmp/x1 -xf /tmp/t.tar 2>/dev/null; tar -C /etc -cf - fruits | tar -C /tmp/x1 -xf - && cat /tmp/x1/fruits | wc -l'
t 'realpath /etc/../etc/./motd'
t 'install -m 750 /etc/motd /tmp/inst && stat -c %a /tmp/inst'
t 'split -l 2 /etc/fruits /tmp/sp. && ls /tmp/sp.* && cat /tmp/sp.ab'

# ---- shell ----
t 'x=5; y=$((x * 3 + 1)); echo $y'
t 'if [ 3 -gt 2 ]; then echo yes; else echo no; fi'
t 'for i in a b c; do echo $i; done'
t 'i=0; while [ $i -lt 5 ]; do i=$((i + 1)); done; echo $i'
t 'case pear in p*) echo p;; *) echo other;; esac'
t 'f() { echo "args $# first $1"; }; f one two'
t 'f() { local v=in; echo $v; }; v=out; f; echo $v'
t 'set -- a b c; shift; echo "$@"'
t 'IFS=:; set -- $(echo a:b:c); echo $2'
t 'cat <<EOF
here $((1 + 1))
EOF'
t 'echo "$(echo inner)" `echo back`'
t 'false || echo or; true && echo and; ! false && echo not'
t '(exit 3); echo $?'
t '{ echo a; echo b; } | wc -l'
t 'ls /nonexistent 2>&1 | wc -l'
t 'echo err >&2'
t 'while read line; do echo "[$line]"; done < /etc/fruits'
t 'read a b < /etc/motd; echo "$b"'
t 'trap "echo bye" EXIT; echo hi'
t 'export V=1; sh -c "echo \$V"'
t 'unset V; echo "${V:-default} ${#PATH}"'
t 'f=archive.tar.gz; echo ${f%.gz} ${f#*.}'
t 'eval "echo evaluated"'
t 'set -o pipefail; false | true; echo $?'
t 'set -e; false; echo never'
t 'while getopts ab: o -a -b val; do echo "$o $OPTARG"; done'
t '[ abc = abc ] && [ -n x ] && [ -z "" ] && echo strings'
t 'alias hi="echo aliased"
hi'
t 'command -v cat; type echo'
t 'sh -c "exit 5"; echo $?'
t 'sh -c "echo \$0 \$1" zero one'
t 'busybox true; echo $?'
t 'echo $HOME $PATH $TERM'
t 'printf "%s\n" *'
t 'umask 027; touch /tmp/um; stat -c %a /tmp/um'

# ---- processes and job control ----
t 'echo a & wait; echo done'
t 'sleep 0 & sleep 0 & wait; echo both'
t 'i=0; while [ $i -lt 50 ]; do sleep 0 & i=$((i + 1)); done; wait; echo $i'
t 'sleep 5 & kill $!; wait $!; echo $?'
t 'true & wait $!; echo $?'
t 'sh -c "exit 7" & wait $!; echo $?'
t 'kill -0 $$ && echo alive'
t 'echo a | cat | cat | cat'
t 'ls /bin | wc -l'
t 'x=$(sh -c "echo sub; exit 2"); echo "$x $?"'
t 'cat /proc/self/cmdline | tr "\0" " "'
t 'test -r /proc/meminfo && grep -c MemTotal /proc/meminfo'
t 'timeout 1 sleep 3; echo $?'
t 'timeout 3 true; echo $?'

# ---- signals ($$ in a subshell is the script's own shell: each test has its own sh) ----
t 'sh -c "trap \"echo usr1\" USR1; kill -USR1 \$\$; echo after"'
t 'sh -c "trap \"echo term\" TERM; kill \$\$; echo after"'
t 'sh -c "kill -TERM \$\$"; echo $?'
t 'sh -c "kill -KILL \$\$"; echo $?'
t 'sh -c "kill -HUP \$\$"; echo $?'
t 'sh -c "trap \"\" INT; kill -INT \$\$; echo survived"'
t 'set -o pipefail; yes | head -n 1; echo $?'
t 'kill -l 15'
t 'sh -c "trap \"echo handled; exit 3\" ALRM; kill -ALRM \$\$; sleep 5"; echo $?'
t 'trap "echo usr2" USR2; trap - USR2; sh -c "kill -USR2 \$PPID"; echo $?'

# ---- time ----
t 'sleep 1; echo slept'
t 'usleep 20000; echo ok'
t 'sleep 0.2; echo ok'
t 'date -u -d @86400 "+%F %T"'
t 'date -u -d "2001-02-03 04:05:06" +%s'
t '[ $(date +%s) -gt 1600000000 ] && echo sane'
t 'date +%Y | wc -c'
t 'a=$(date +%s); sleep 2; b=$(date +%s); [ $((b - a)) -ge 1 ] && [ $((b - a)) -le 3 ] && echo two'
t 'uptime | grep -c "load average"'
t 'free | grep -c "^Mem:"'

# ---- deliberate differences (docs/LINUX-ABI.md) ----
t 'hostname'
t 'uname -s'
d 'uname -m'
d 'uname -r'
d 'uname -v'
d 'nproc'
d 'uptime'
