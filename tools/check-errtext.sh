#!/bin/sh
# Every error code the server can answer has a page text: the codes named
# in src/ (the name argument of kf_reply_fail, kf_error_set and of the
# helpers that pass a name on to them, kf_error initialisers, error objects
# packed by hand, the OAuth error table) must each have a row in the table
# of src/web/errtext.c. Prints the missing codes and the suite's summary
# count; exits non-zero when one is missing or when a call's code cannot be
# read (a new helper that forwards a name: add it to `calls` below).
# tools/check-layers.sh runs it as one of the checks of `make layers`.
# usage: tools/check-errtext.sh
cd "$(dirname "$0")/.." || exit 2
export LC_ALL=C
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

# The codes of src/, one a line. Arguments are split at top-level commas,
# strings kept whole; a code is a snake_case literal in the name argument
# outside any nested call (the ternary `by_email ? "email_taken" :
# "mobile_taken"` gives both, strcmp(x, "mobile") none).
find src -name '*.c' | sort | xargs perl -e '
use strict; use warnings;
# call => index of its code argument
my %calls = (kf_reply_fail => 2, kf_error_set => 2, token_refused => 1, kf_api_limit_reply => 2);
# names of parameters that carry a code from the callers above
my %forward = map { $_ => 1 } qw(e.name access_name name);
my (%codes, @unread);
my $re = join "|", keys %calls;
local $/;
for my $f (@ARGV) {
	open my $fh, "<", $f or die "$f: $!\n";
	my $t = <$fh>;
	close $fh;
	$t =~ s{/\*.*?\*/}{ }gs;
	$t =~ s{//[^\n]*}{}g;
	while ($t =~ /\b($re)\s*\(/g) {
		my ($fn, $pos) = ($1, pos($t));
		my @args = ("");
		my ($d, $i) = (0, $pos);
		while ($i < length $t) {
			my $c = substr($t, $i, 1);
			if ($c eq "\"") {
				pos($t) = $i;
				$t =~ /\G("(?:[^"\\]|\\.)*")/g or die "$f: unterminated string\n";
				$args[-1] .= $1;
				$i = pos($t);
				next;
			}
			if ($c eq "(") { $d++ }
			elsif ($c eq ")") { last if $d == 0; $d-- }
			elsif ($c eq "," && $d == 0) { push @args, ""; $i++; next }
			$args[-1] .= $c;
			$i++;
		}
		pos($t) = $pos;
		my $a = $args[$calls{$fn}] // "";
		$a =~ s/^\s+|\s+$//g;
		next if @args < 3 || $a =~ /^const char \*/;    # a declaration or definition
		(my $top = $a) =~ s/\((?:[^()]|(?R))*\)//g;
		my @lit = $top =~ /"([a-z0-9_]+)"/g;
		if (@lit) { $codes{$_} = 1 for @lit }
		elsif (!$forward{$a}) {
			my $line = 1 + (substr($t, 0, $pos) =~ tr/\n//);
			push @unread, "$f:$line: $fn(…, $a, …)";
		}
	}
	$codes{$1} = 1 while $t =~ /\.code\s*=\s*KF_E\w+[^}]*?\.name\s*=\s*"([a-z0-9_]+)"/g;
	$codes{$1} = 1 while $t =~ /"code",\s*"([a-z0-9_]+)",\s*"message"/g;
	$codes{$1} = 1 while $t =~ /\[KF_OAUTH_\w+\]\s*=\s*\{\s*"([a-z0-9_]+)"/g;
}
print "$_\n" for sort keys %codes;
print STDERR "errtext: cannot tell the error code of $_\n" for @unread;
exit(@unread ? 1 : 0);
' > "$tmp/answered" 2> "$tmp/unread"
unread=$?

# The codes with a text: the first string of each row of `texts`.
sed -n '/^static const struct text texts\[\] = {/,/^};/s/^[[:space:]]*{"\([a-z0-9_]*\)".*/\1/p' \
	src/web/errtext.c | sort -u > "$tmp/texts"

bad=0
for c in $(comm -23 "$tmp/answered" "$tmp/texts"); do
	echo "errtext: no text for error code $c (add it to src/web/errtext.c)"
	bad=1
done
if [ ! -s "$tmp/answered" ]; then
	echo "errtext: found no error code in src/"
	bad=1
fi
if [ $unread -ne 0 ]; then
	cat "$tmp/unread"
	bad=1
fi
[ $bad -eq 0 ] && echo "errtext: $(wc -l < "$tmp/answered") error codes, each with a text"
[ $bad -eq 0 ]
