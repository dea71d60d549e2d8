#!/bin/bash
# bash_features.sh: the bash features a user's scripts lean on, each
# printing a line whose text depends on the kernel doing its part (fork,
# pipes, signals, waits, process groups, files under /tmp).
#
# Its output on Debian 12's bash 5.2 under Linux is recorded in
# bash_features.expected beside it (regenerate with
#   bash userspace/scripts/bash_features.sh > userspace/scripts/bash_features.expected
# on a Linux host); the boot tests run it with bash-static on our kernel and
# compare line by line (scripts/boot-tests). Nothing here prints a pid or a
# time, so the two outputs can be the same.

tmp=$(mktemp -d /tmp/bashfeat.XXXXXX) || exit 1
shopt -s extglob

echo "== functions"
fact() { local n=$1; if (( n <= 1 )); then echo 1; else echo $(( n * $(fact $((n - 1))) )); fi; }
echo "fact 10 = $(fact 10)"
counter=0
bump() { local by=${1:-1}; counter=$((counter + by)); return $((counter % 7)); }
bump 3; echo "bump 3 -> counter $counter status $?"
bump 4; echo "bump 4 -> counter $counter status $?"
outer() { local x=outer; inner; echo "outer sees x=$x"; }
inner() { x=changed-by-inner; }
x=global; outer; echo "global x=$x"
echo "declared: $(declare -F | wc -l | tr -d ' ') functions"

echo "== arrays"
a=(zero one "two words" three)
a+=(four)
echo "len ${#a[@]}, a[2]=${a[2]}, last=${a[-1]}, slice=${a[*]:1:2}"
unset 'a[1]'
echo "after unset: ${#a[@]} elements, indices ${!a[*]}"
for i in "${!a[@]}"; do printf '[%s]=%s ' "$i" "${a[$i]}"; done; echo
mapfile -t lines < <(printf 'l1\nl2\nl3\n')
echo "mapfile read ${#lines[@]} lines: ${lines[*]}"
IFS=, read -ra parts <<< "a,b,,c"
echo "split into ${#parts[@]}: $(printf '<%s>' "${parts[@]}")"
sorted=($(printf '%s\n' 42 7 19 3 | sort -n))
echo "sorted: ${sorted[*]}"

echo "== associative arrays"
declare -A color=([apple]=red [banana]=yellow)
color[grape]=purple
color+=([lime]=green)
echo "count ${#color[@]}"
for k in $(printf '%s\n' "${!color[@]}" | sort); do echo "  $k -> ${color[$k]}"; done
[[ -v color[banana] ]] && echo "banana is set"
unset 'color[banana]'
[[ -v color[banana] ]] || echo "banana is unset, ${#color[@]} left"
declare -A wc=()
for w in the cat and the hat and the bat; do wc[$w]=$(( ${wc[$w]:-0} + 1 )); done
echo "word counts: $(for k in "${!wc[@]}"; do echo "$k=${wc[$k]}"; done | sort | tr '\n' ' ')"

echo "== command substitution"
echo "nested: $(echo "a$(echo "b$(echo c)")")"
n=0; for i in $(seq 1 40); do n=$((n + $(echo "$i"))); done
echo "sum of 40 substitutions: $n"
echo "file via \$(<): $(printf 'from a file\n' > "$tmp/f"; echo "$(<"$tmp/f")")"
echo "trailing newlines dropped: [$(printf 'x\n\n\n')]"
echo "status of a substitution: $(exit 3; echo never) $(false; echo $?)"
echo "backquotes: `echo old style`"

echo "== arithmetic"
echo "$(( 2 ** 10 )) $(( 17 / 5 )) $(( 17 % 5 )) $(( -17 / 5 )) $(( 1 << 12 )) $(( 0xff & 0x0f ))"
echo "bases: $(( 16#ff )) $(( 8#777 )) $(( 2#101010 )) $(( 36#zz ))"
i=5; (( i++ )); (( i *= 3 )); let "j = i - 1, k = j > 10 ? 100 : 200"
echo "i=$i j=$j k=$k"
(( 0 )); echo "(( 0 )) status $?"
echo "32-bit overflow is 64-bit in bash: $(( 2147483647 + 1 )) $(( 9223372036854775807 + 1 ))"
echo "division by zero: $( (echo $(( 1 / 0 ))) 2>&1 | sed 's/.*: //')"

echo "== strings"
s="Hello, World"
echo "${#s} ${s:7} ${s:0:5} ${s,,} ${s^^} ${s/World/bash} ${s//l/L}"
f=/usr/lib/archive.tar.gz
echo "${f##*/} ${f%%.*} ${f#*.} ${f%/*}"
printf -v padded '%05d|%-6s|%x' 42 ab 255; echo "$padded"
[[ "abc123" =~ ^([a-z]+)([0-9]+)$ ]] && echo "regex: ${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"
case "foo.txt" in *.@(txt|md)) echo "extglob match";; esac
echo $'tab\there' "brace: "{a,b}{1,2} "range: "{1..5..2}

echo "== redirections and pipes"
{ echo out; echo err >&2; } > "$tmp/o" 2> "$tmp/e"
echo "stdout file: $(cat "$tmp/o"), stderr file: $(cat "$tmp/e")"
exec {fd}> "$tmp/fdfile"; echo "via fd" >&"$fd"; exec {fd}>&-
echo "dynamic fd: $(cat "$tmp/fdfile")"
cat <<EOF
here-doc: $((6 * 7)) $(echo expanded)
EOF
cat <<'EOF'
quoted here-doc: $((6 * 7)) $(echo not)
EOF
true | false | true; echo "PIPESTATUS ${PIPESTATUS[*]}"
set -o pipefail; (exit 2) | true; echo "pipefail: $?"; set +o pipefail
echo "process substitution: $(cat <(echo from) <(echo both))"
diff <(printf '1\n2\n') <(printf '1\n3\n') > /dev/null; echo "diff of two <(): $?"
seq 1 5000 | tail -n 1
yes | head -c 100000 | wc -c

echo "== traps"
trap 'echo "USR1 trapped"' USR1
kill -USR1 $$
echo "after kill -USR1 \$\$"
( trap 'echo "subshell EXIT trap"' EXIT; echo "in subshell"; exit 4 ); echo "subshell status $?"
bash -c 'trap "echo EXIT trap: status \$?" EXIT; echo "in bash -c"; exit 6'; echo "bash -c status $?"
( trap 'echo "child: TERM trapped"; exit 9' TERM; kill -TERM $BASHPID; echo "child: not reached" ); echo "child status $?"
usr2=0
trap 'usr2=$((usr2 + 1))' USR2
( sleep 0.2; kill -USR2 $$ ) &
wait $!; echo "USR2 from a child: count $usr2"
trap 'echo "ERR trap on line $LINENO"' ERR; false; trap - ERR
f_ret() { trap 'echo "RETURN trap"' RETURN; return 0; }; f_ret; trap - RETURN
(trap '' INT; kill -INT $BASHPID; echo "ignored SIGINT survives")
echo "trap -p USR1: $(trap -p USR1)"
trap - USR1 USR2

echo "== wait"
(exit 3) & p1=$!
(sleep 0.3; exit 5) & p2=$!
wait $p2; echo "wait p2: $?"
wait $p1; echo "wait p1 (already exited): $?"
sleep 30 & p3=$!
kill -TERM $p3; wait $p3; echo "wait on a killed job: $?"
# bash reports the killed job on stderr, with its pid.
(
    sleep 30 & p4=$!
    kill -STOP $p4; kill -CONT $p4; kill -KILL $p4; wait $p4; echo "stop, cont, kill: $?"
) 2>&1 | sed -E 's/^.*: line [0-9]+: +[0-9]+ Killed/bash: PID Killed/'
for i in 1 2 3; do (sleep 0.$i; exit $((10 + i))) & done
wait; echo "wait for all: $?"
(
    (sleep 0.4; exit 21) & (sleep 0.1; exit 22) &
    wait -n; echo "wait -n: $?"
    wait -n; echo "wait -n: $?"
)
wait 999999 2>/dev/null; echo "wait for no child: $?"
results=()
for i in 1 2 3 4; do (exit $i) & pids+=($!); done
for p in "${pids[@]}"; do wait "$p"; results+=($?); done
echo "statuses in order: ${results[*]}"

echo "== job control in a script (set -m)"
(
    set -m
    sleep 100 &
    jobs
    read -r _ _ _ _ pgrp _ < /proc/$!/stat; echo "in its own process group: $( (( pgrp == $! )) && echo yes || echo no)"
    kill %1
    wait %1; echo "wait %1 after kill %1: $?"
    jobs; echo "jobs after: none"
    sleep 100 & kill -STOP %1
    until read -r _ _ st _ < /proc/$!/stat && [ "$st" = T ]; do sleep 0.05; done
    echo "stopped by kill -STOP %1: state $st"
    kill -CONT %1; kill %1; wait %1; echo "stopped job killed: $?"
)

echo "== misc"
getopts_demo() { local OPTIND o; while getopts "ab:c" o; do echo -n "$o${OPTARG:+=$OPTARG} "; done; shift $((OPTIND - 1)); echo "rest: $*"; }
getopts_demo -a -b val -c file1 file2
set -- one "two three" four; echo "\$#=$# \$2=$2 \$@:$(printf ' <%s>' "$@")"
printf '%s\n' c a b > "$tmp/list"; while IFS= read -r l; do echo -n "$l"; done < "$tmp/list"; echo
cd "$tmp" && touch x1 x2 y1 && echo "glob: $(echo x*)" && cd /
shopt -s nullglob; echo "nullglob: [$(echo "$tmp"/nomatch*)]"; shopt -u nullglob
echo "source: $(echo 'sourced_var=from-source' > "$tmp/s.sh"; . "$tmp/s.sh"; echo "$sourced_var")"
read -t 0.2 v < <(sleep 2); echo "read -t timeout: $(( $? > 128 ))"
coproc up { tr a-z A-Z; }; echo hello >&"${up[1]}"; exec {up[1]}>&-; read -r r <&"${up[0]}"; wait $up_PID; echo "coproc: $r"
echo "bash ${BASH_VERSINFO[0]}.${BASH_VERSINFO[1]}"
rm -r "$tmp"
trap 'echo "EXIT trap: status $?"' EXIT
echo "done"
exit 3
