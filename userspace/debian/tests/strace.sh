# Traced by Debian's strace -f (scripts/boot-tests): a pipeline forks two
# children, the second execs cat; the script exits 3.
echo traced | cat
exit 3
