# coreutils, grep, sed and mawk in pipelines.
printf 'pear 3\napple 10\nfig 7\nbanana 2\n' > /tmp/fruit
sort /tmp/fruit | grep -v fig | sed 's/^/> /' | awk '{ total += $3; print } END { print "total", total }'
sort -k2 -n /tmp/fruit | awk '{ printf "%s ", $1 } END { print "" }'
cp /tmp/fruit /tmp/fruit2 && cat /tmp/fruit2 | grep -c a
ls /tmp | sort -r | head -n 2
