# dash: a pipeline of a for loop into a while loop, arithmetic, a function.
for i in 1 2 3; do echo "item $i"; done | while read -r a b; do echo "$b-$a"; done
x=0
for n in 1 2 3 4 5; do x=$((x + n)); done
echo "sum=$x"
greet() { echo "hello, $1"; }
greet "$(echo dash | tr a-z A-Z)"
case "$0" in */dash.sh) echo "script: $0" ;; esac
