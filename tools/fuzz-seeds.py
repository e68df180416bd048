#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write the seed corpora of the libFuzzer harnesses (tests/fuzz/corpus/<name>/).

Seeds are real-looking inputs that cover each grammar's features and edge
cases, named after what they show; the fuzzer mutates from them. Run from
the repository root after changing a harness's input format:

    python3 tools/fuzz-seeds.py

It rewrites the files it names (hand-written seeds with other names stay),
builds and runs tools/fuzz-image-seeds.c for the image corpus, and uses
openssl(1) for the ciphertexts of the wxcrypt corpus (AES-256-CBC, as the
protocol does).
"""
import base64
import json
import os
import re
import struct
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus")


def write(harness, name, data):
    d = os.path.join(CORPUS, harness)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def seeds(harness, items):
    for name, data in items.items():
        write(harness, name, data)


# ---- calendar: the operator calendar file (core/calendar.h) -------------------
seeds("calendar", {
    "national-day": "2026-10-01 holiday National Day\n2026-10-02 holiday\n2026-10-03 holiday\n2026-10-10 workday make-up\n",
    "spring-festival": "# 2027 Spring Festival\n2027-02-06 holiday\n2027-02-07 holiday\n2027-02-08 holiday\n2027-02-13 workday\n",
    "crlf": "2027-01-01 holiday New Year\r\n2027-01-02 workday\r\n",
    "tabs-and-comment": "\t2026-05-01\tholiday\t# Labour Day\n2026-05-09\tworkday#comment\n",
    "blank-lines": "\n\n2026-06-19 holiday\n\n",
    "comment-only": "# nothing this year\n",
    "empty": "",
    "leap-day": "2028-02-29 holiday leap\n",
    "not-leap": "2027-02-29 holiday\n",
    "year-one": "0001-01-01 holiday\n",
    "year-9999": "9999-12-31 holiday\n",
    "year-zero": "0000-01-01 holiday\n",
    "duplicate-date": "2026-10-01 holiday\n2026-10-01 workday\n",
    "workday-on-monday": "2026-10-12 workday\n",
    "unknown-kind": "2026-10-01 vacation\n",
    "bad-month": "2026-13-01 holiday\n",
    "short-date": "2026-1-1 holiday\n",
    "no-kind": "2026-10-01\n",
    "unordered": "2026-12-25 holiday\n2026-01-01 holiday\n2026-06-01 holiday\n",
    "utf8-comment": "2026-10-01 holiday 国庆节\n",
    "no-final-newline": "2026-10-01 holiday",
})

# ---- envelope: the protocol's XML envelopes (proto/envelope.c) ----------------
seeds("envelope", {
    "text-message": "<xml><ToUserName><![CDATA[gh_1234567890ab]]></ToUserName><FromUserName><![CDATA[oUser]]></FromUserName><CreateTime>1750000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello 你好]]></Content><MsgId>1234567890123456</MsgId></xml>",
    "event-subscribe": "<xml><ToUserName><![CDATA[gh_abc]]></ToUserName><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event></xml>",
    "authorized": "<xml><AppId><![CDATA[wx805ef435fca595d2]]></AppId><CreateTime>1413192760</CreateTime><InfoType><![CDATA[authorized]]></InfoType><AuthorizerAppid><![CDATA[wxabc]]></AuthorizerAppid><AuthorizationCode><![CDATA[code@@@x]]></AuthorizationCode><AuthorizationCodeExpiredTime>1413196360</AuthorizationCodeExpiredTime><PreAuthCode><![CDATA[preauthcode@@@y]]></PreAuthCode></xml>",
    "unauthorized": "<xml><AppId>wx805ef435fca595d2</AppId><CreateTime>1413192760</CreateTime><InfoType>unauthorized</InfoType><AuthorizerAppid>wxabc</AuthorizerAppid></xml>",
    "entities": "<xml><Content>a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos; &#20320;&#x597D;</Content></xml>",
    "empty-cdata": "<xml><Content><![CDATA[]]></Content></xml>",
    "empty-element": "<xml><Content/></xml>",
    "whitespace": "  <xml>\n  <A> spaced </A>\n</xml>\n",
    "bom": "\ufeff<xml><A>1</A></xml>",
    "unclosed": "<xml><A>1</A>",
    "mismatched": "<xml><A>1</B></xml>",
    "two-roots": "<xml><A>1</A></xml><xml/>",
    "external-entity": "<!DOCTYPE xml [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><xml><A>&x;</A></xml>",
    "attributes": "<xml version=\"1\"><A b='c'>d</A></xml>",
    "long-content": "<xml><Content><![CDATA[" + "长" * 600 + "]]></Content></xml>",
    "repeated-field": "<xml><A>1</A><A>2</A></xml>",
})

# ---- netpolicy: CIDR blocks, lists, IP literals, X-Forwarded-For ----------------
seeds("netpolicy", {
    "v4-host": "203.0.113.7", "v4-block": "198.51.100.0/24", "v4-all": "0.0.0.0/0",
    "v4-not-network": "10.1.2.3/8", "v6-host": "2001:db8::1", "v6-block": "2001:db8::/32",
    "v6-mapped": "::ffff:10.0.0.1", "v6-full": "2001:0db8:0000:0000:0000:ff00:0042:8329/128",
    "link-local": "169.254.169.254", "loopback-v6": "::1/128", "unique-local": "fd12:3456:789a::/48",
    "nat64": "64:ff9b::808:808", "xff-chain": "198.51.100.9, 10.0.0.3, 10.0.0.2",
    "xff-spoof": "127.0.0.1, 203.0.113.5", "xff-garbage": "unknown, , 300.1.1.1",
    "zone-id": "fe80::1%eth0", "bad-prefix": "10.0.0.0/33", "leading-zero": "010.0.0.1",
    "list-spaces": " 192.0.2.0/24 ,\t2001:db8:1::/48 ", "list-trailing-comma": "10.0.0.0/8,",
    "cgnat": "100.64.0.0/10",
})

# ---- terms: first line a term, the rest text ----------------------------------
seeds("terms", {
    "ascii": "kaifang\nKaiFang open platform",
    "spaced": "kaifang\nk a i f a n g",
    "fullwidth": "kaifang\nＫａｉＦａｎｇ",
    "chinese": "开放平台\n这是一个开放平台的应用",
    "gambling": "赌博\n在线赌 博游戏",
    "superlative": "最\n全网最好的应用",
    "punctuation": "open.platform\nopen-platform!",
    "emoji": "星星\n⭐星⭐星⭐",
    "zero-width": "kaifang\nkai\u200bfang",
    "mixed-case": "WeChat\nwEcHaT mini",
    "empty-term": "\nsome text",
    "empty-text": "kaifang\n",
    "long-text": "term\n" + "text " * 300,
    "nfkc": "ﬁ\nfile",
    "combining": "é\ne\u0301",
    "digits": "12306\n１２３０６",
    "newlines": "a\nb\nc\nd",
    "invalid-utf8": b"kaifang\n\xff\xfe kai",
    "cjk-compat": "㍿\n株式会社",
    "turkish-i": "İstanbul\nistanbul",
})

# ---- text: email, mobile, password, display names --------------------------------
seeds("text", {
    "email-plus": "first.last+tag@example.co.uk", "email-idn": "用户@例子.中国",
    "email-bad": "a@@b", "mobile-plain": "13812345678", "mobile-86": "8613812345678",
    "mobile-spaced": "138 1234 5678", "e164": "+44 20 7946 0958", "landline": "010-12345678",
    "password-strong": "Tr0ub4dor&3-horse", "password-short": "abc", "password-email": "a@b.com",
    "name-chinese": "张三", "name-mixed": "Li Lei 李雷", "name-spaces": "  spaced   name  ",
    "name-control": "bad\x07name", "rtl": "\u202eevil", "combining": "Zoe\u0308",
    "long": "x" * 300, "empty": "", "nul-tail": b"abc\x00def",
})

# ---- form: application/x-www-form-urlencoded bodies -------------------------------
seeds("form", {
    "consent-confirm": "step=consent&csrf=1.1750000000.abcDEF_-&decision=confirm&set=1&set=2&scope=some&members=u1%2Cu2",
    "signin": "step=signin&csrf=1.1750000000.tag&login=alice%40example.com&password=p%40ss+word%21",
    "plus-space": "q=hello+world&x=a%2Bb",
    "utf8": "name=%E4%BD%A0%E5%A5%BD&city=%E6%9D%AD%E5%B7%9E",
    "empty-value": "a=&b=",
    "no-equals": "flag&other=1",
    "empty-pairs": "&&a=1&&",
    "repeated": "set=1&set=2&set=3&set=1",
    "nul-escape": "a=%00b",
    "bad-escape": "a=%zz",
    "truncated-escape": "a=%4",
    "equals-in-value": "a=b=c",
    "raw-utf8": "name=你好",
    "long-value": "v=" + "x" * 2000,
    "many-fields": "&".join("f%d=%d" % (i, i) for i in range(200)),
    "too-many-fields": "&".join("f=%d" % i for i in range(300)),
    "empty": "",
    "only-amp": "&",
    "semicolon": "a=1;b=2",
    "percent-upper-lower": "a=%2f%2F",
})

# ---- cursor: keyset cursors and counts ----------------------------------------
seeds("cursor", {
    "key-id": "1750000000.42", "zero": "0.0", "max-digits": "999999999999999999.999999999999999999",
    "too-long": "9999999999999999999.1", "leading-zero": "0001.02", "no-dot": "12345",
    "empty-key": ".5", "empty-id": "5.", "two-dots": "1.2.3", "negative": "-1.2",
    "plus": "+1.2", "space": " 1.2", "hex": "0x10.1", "count": "50", "count-200": "200",
    "empty": "", "dot": ".", "letters": "abc.def",
    "binary-pair": struct.pack("<qq", 1750000000, 42),
    "binary-max": struct.pack("<qq", 2**63 - 1, 2**62),
})

# ---- router: "METHOD /path" against the real route table -------------------------
paths = json.load(open(os.path.join(ROOT, "docs", "openapi.json")))["paths"]
router = {}
values = {"id": "42", "app_id": "wx0123456789abcdef", "event": "17", "name": "hot_words"}
for i, (pattern, ops) in enumerate(sorted(paths.items())):
    if i % 3:
        continue
    method = sorted(m for m in ops if m in ("get", "post", "put", "patch", "delete"))[0].upper()
    path = re.sub(r"\{([^}]+)\}", lambda m: values.get(m.group(1), "7"), pattern)
    router["route-%02d" % i] = "%s %s" % (method, path)
router.update({
    "unknown-path": "GET /v1/nothing-here", "wrong-method": "DELETE /healthz",
    "head": "HEAD /healthz", "trailing-slash": "GET /v1/users/", "double-slash": "GET //v1/users",
    "param-not-digits": "GET /v1/providers/abc", "param-huge": "GET /v1/providers/99999999999999999999",
    "dot-segments": "GET /v1/../healthz", "encoded-slash": "GET /v1/providers/1%2F2",
    "empty": "", "no-method": "/healthz",
})
seeds("router", router)

# ---- appconfig: app configuration request bodies -----------------------------
full = {
    "name": "Kaifang Helper", "icon_file": 3, "intro": "Helps shops answer messages.\nFast.",
    "website": "https://www.example.com/about#team", "icp_no": "浙ICP备12345678号-1", "audience": "public",
    "permission_sets": [1, 2],
    "dev": {
        "auth_domain": "auth.example.com", "test_allowlist": [11, 12],
        "auth_receive_url": "https://api.example.com/kaifang/auth",
        "message_token": "Token123", "aes_key": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
        "message_url": "https://api.example.com/kaifang/$APPID$/messages",
        "server_domains": ["api.example.com"], "business_domains": ["www.example.com"],
        "ip_allowlist": ["203.0.113.0/24", "2001:db8::/32"],
        "redirect_uris": ["https://app.example.com/oauth/callback", "http://127.0.0.1:8080/cb"],
        "public_client": False,
    },
}


def variant(**dev):
    c = json.loads(json.dumps(full))
    c["dev"].update(dev)
    return json.dumps(c, ensure_ascii=False)


seeds("appconfig", {
    "complete": json.dumps(full, ensure_ascii=False),
    "draft-name-only": '{"name":"Draft"}',
    "public-client": variant(public_client=True),
    "userinfo-url": variant(auth_receive_url="https://evil.com@api.example.com/auth"),
    "backslash-url": variant(auth_receive_url="https://evil.com\\@api.example.com/auth"),
    "http-loopback": variant(auth_receive_url="http://127.0.0.1:9000/auth", server_domains=["127.0.0.1"]),
    "http-public": variant(auth_receive_url="http://api.example.com/auth"),
    "url-off-domain": variant(message_url="https://other.example.net/m"),
    "ip-auth-domain": variant(auth_domain="203.0.113.5"),
    "punycode": variant(server_domains=["xn--fiqs8s.example.com"], auth_domain="xn--fiqs8s.example.com"),
    "bad-cidr": variant(ip_allowlist=["10.0.0.0/33"]),
    "duplicate-domain": variant(server_domains=["api.example.com", "API.example.com"]),
    "short-aes-key": variant(aes_key="short"),
    "unknown-field": '{"name":"X","colour":"red"}',
    "wrong-type": '{"name":1}',
    "mixed-array": '{"permission_sets":[1,"2"]}',
    "nul-in-string": '{"name":"a\\u0000b"}',
    "not-object": '["name"]',
    "broken-json": '{"name":"unterminated',
    "duplicate-key": '{"name":"a","name":"b"}',
    "deep-nesting": '{"dev":' * 30 + '{}' + '}' * 30,
    "fragment-url": variant(auth_receive_url="https://api.example.com/auth#frag"),
    "fullwidth-name": '{"name":"Ｋａｉ-Fang 助手"}',
})

# ---- listing: URL / version / phone lines -----------------------------------------
seeds("listing", {
    "urls": "https://www.example.com/privacy\nhttps://www.example.com/terms\nhttps://www.example.com/",
    "same-document": "https://Example.com/privacy/\nhttps://example.com/privacy#top\nhttps://example.com",
    "http-and-port": "http://shop.example.cn:8443/p?x=1\nhttp://shop.example.cn/terms\nhttps://shop.example.cn",
    "userinfo": "https://user@example.com/\nhttps://example.com\\@evil.com/\nhttps://[::1]/",
    "ip-host": "https://203.0.113.5/privacy\nhttps://localhost/\nhttps://example.123/",
    "spaces": "https://example.com/a b\n https://example.com/\nhttps://example.com/\t",
    "versions": "1.2.3\n1.2.3.0\n1.10",
    "version-bounds": "99999.0.0.1\n0\n100000",
    "version-bad": "01.2\n1..2\n1.2.3.4.5",
    "phones-mobile": "+86 138-1234-5678\n13812345678\n8613812345678",
    "phones-landline": "(010)12345678\n0755-8765432\n021-012345678",
    "phones-service": "400-123-4567\n95588\n800 123 4567",
    "phones-bad": "12345\n+86\n138123456789999999999999999999999",
    "cjk": "开放平台\nＡＢＣ\nmixed 中文 text",
    "uppercase-scheme": "HTTPS://EXAMPLE.COM/\nHtTp://example.com\nftp://example.com/",
    "label-edges": "https://-bad.example.com\nhttps://bad-.example.com\nhttps://a.b",
    "long-host": "https://" + ".".join(["a" * 63] * 4) + "/\nhttps://x.y\n1",
    "query-only": "https://example.com?x=1\nhttps://example.com#f\nhttps://example.com:65535",
    "port-bad": "https://example.com:0/\nhttps://example.com:65536/\nhttps://example.com:/",
    "non-ascii-path": "https://example.com/隐私\nhttps://例子.中国/\nhttps://xn--fsqu00a.xn--fiqs8s/",
})

# ---- oauth: Authorization \n client_id \n client_secret \n scope \n verifier ----
def basic(i, s):
    return "Basic " + base64.b64encode(("%s:%s" % (i, s)).encode()).decode()


V = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
seeds("oauth", {
    "basic": "\n".join([basic("wx0123456789abcdef", "s3cr3t"), "", "", "messages contacts", V]),
    "basic-encoded": "\n".join([basic("wx%3Aid", "pa%2Bss%20word"), "", "", "messages", V]),
    "basic-lowercase": "\n".join(["basic " + base64.b64encode(b"wxid:sec").decode(), "wxid", "", "", V]),
    "basic-public": "\n".join([basic("wxid", ""), "", "", "calendar", V + "~._-"]),
    "basic-and-post": "\n".join([basic("wxid", "a"), "wxid", "b", "", V]),
    "basic-mismatch": "\n".join([basic("wxid", "a"), "other", "", "", V]),
    "basic-no-colon": "\n".join(["Basic " + base64.b64encode(b"nocolon").decode(), "", "", "", V]),
    "basic-bad-b64": "\n".join(["Basic !!!", "", "", "", V]),
    "bearer": "\n".join(["Bearer abc", "", "", "", V]),
    "post": "\n".join(["", "wx0123456789abcdef", "s3cr3t", "messages", V]),
    "post-control": "\n".join(["", "wx\x01id", "s", "messages", V]),
    "none": "\n".join(["", "wxpublic", "", "", V]),
    "missing": "\n".join(["", "", "", "", V]),
    "scope-spaces": "\n".join(["", "wx", "", "  messages   calendar  ", V]),
    "scope-duplicate": "\n".join(["", "wx", "", "messages messages", V]),
    "scope-unknown": "\n".join(["", "wx", "", "messages admin", V]),
    "scope-bad-char": "\n".join(["", "wx", "", "messages\"x", V]),
    "scope-long": "\n".join(["", "wx", "", "messages " * 130, V]),
    "verifier-short": "\n".join(["", "wx", "", "", "short"]),
    "verifier-max": "\n".join(["", "wx", "", "", "a" * 128]),
    "verifier-too-long": "\n".join(["", "wx", "", "", "a" * 129]),
    "verifier-bad-char": "\n".join(["", "wx", "", "", V[:-1] + "+"]),
    "challenge-as-verifier": "\n".join(["", "wx", "", "", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"]),
})

# ---- redirect_uri: registered \n presented -----------------------------------
seeds("redirect_uri", {
    "exact": "https://app.example.com/cb\nhttps://app.example.com/cb",
    "query": "https://app.example.com/cb?x=1\nhttps://app.example.com/cb?x=1&y=2",
    "loopback-port": "http://127.0.0.1:8080/cb\nhttp://127.0.0.1:51234/cb",
    "loopback-v6": "http://[::1]/cb\nhttp://[::1]:9000/cb",
    "localhost": "http://localhost/cb\nhttp://localhost/cb",
    "http-public": "http://app.example.com/cb\nhttp://app.example.com/cb",
    "backslash": "https://evil.com\\@auth.example.com/\nhttps://evil.com\\@auth.example.com/",
    "userinfo": "https://user:pw@app.example.com/cb\nhttps://app.example.com/cb",
    "fragment": "https://app.example.com/cb#x\nhttps://app.example.com/cb",
    "pct-nul": "https://app.example.com/cb%00.evil.com\nhttps://app.example.com/cb",
    "control": "https://app.example.com/c\tb\nhttps://app.example.com/cb",
    "case": "https://App.Example.com/cb\nhttps://app.example.com/cb",
    "trailing-slash": "https://app.example.com/cb/\nhttps://app.example.com/cb",
    "port": "https://app.example.com:8443/cb\nhttps://app.example.com/cb",
    "custom-scheme": "com.example.app:/oauth\ncom.example.app:/oauth",
    "relative": "/cb\n/cb",
    "ip-literal": "https://203.0.113.5/cb\nhttps://203.0.113.5/cb",
    "none-presented": "https://app.example.com/cb\n",
    "long": "https://app.example.com/" + "a" * 1010 + "\nhttps://app.example.com/",
    "space": "https://app.example.com/a b\nhttps://app.example.com/a%20b",
    "idn": "https://例子.中国/cb\nhttps://xn--fsqu00a.xn--fiqs8s/cb",
})

# ---- consent: CSRF token \n member list \n flow value ---------------------------------
seeds("consent", {
    "token-shape": "1.1750000000.2jmj7l5rSw0yVb_vlWAYkK_YBwk\nalice,bob\ncode-1",
    "token-future": "1.9999999999.AAAA\n\ncode-1",
    "token-version": "2.1750000000.AAAA\nu1\ncode-1",
    "token-empty": "\n\ncode-1",
    "token-dots": "1..\nu1 u2\ncode-1",
    "token-negative": "1.-5.AAAA\nu1\ncode-1",
    "members-commas": "x\nalice,bob;carol dave\ncode-1",
    "members-fullwidth": "x\nalice，bob；carol、dave\u3000erin\ncode-1",
    "members-duplicates": "x\nalice,alice,ALICE\ncode-1",
    "members-email": "x\nalice@example.com,bob+tag@example.com\ncode-1",
    "members-bad-char": "x\nalice,bo/b\ncode-1",
    "members-long-id": "x\n" + "a" * 65 + "\ncode-1",
    "members-many": "x\n" + ",".join("m%d" % i for i in range(30)) + "\ncode-1",
    "members-tabs": "x\n\talice\t\tbob\t\ncode-1",
    "members-empty-items": "x\n,,;;  ,\ncode-1",
    "members-chinese": "x\n张三,李四\ncode-1",
    "flow-empty": "x\nalice\n",
    "flow-redirect": "x\nalice\nhttps://app.example.com/cb",
    "flow-long": "x\nalice\n" + "c" * 500,
    "flow-utf8": "x\nalice\n授权码",
    "members-huge": "x\n" + "a," * 3000 + "\ncode-1",
})

# ---- i18n: Accept-Language --------------------------------------------------
seeds("i18n", {
    "zh-cn": "zh-CN,zh;q=0.9,en;q=0.8", "en-us": "en-US,en;q=0.9", "chrome-zh": "zh-CN,zh;q=0.9",
    "firefox-en": "en-US,en;q=0.7,zh-CN;q=0.3", "tw": "zh-TW,zh-HK;q=0.8", "hans": "zh-Hans-CN",
    "star": "*", "star-low-zh": "fr, *;q=0.5, zh;q=0", "zero-q": "zh;q=0, en;q=0",
    "tie": "en;q=0.5, zh;q=0.5", "q-three-decimals": "zh;q=0.001, en;q=0.000",
    "q-malformed": "zh;q=1.5, en;q=abc", "q-spaces": "zh ; q = 0.8 , en ; q=0.9",
    "zha": "zha, en;q=0.1", "upper": "ZH-CN", "params": "zh;level=1;q=0.7, en;foo",
    "empty": "", "commas": ",,,", "long": "fr;q=0.1, " * 500 + "zh", "unknown": "de-DE, fr-FR",
})

# ---- wxcrypt: Encrypt fields under the harness's key A, and messages -----------------
KEY_A = base64.b64decode("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG" + "=")
APPID_A = b"wx1234567890abcdef"


def encrypt(msg, appid=APPID_A, key=KEY_A, pad_block=32, random16=b"0123456789abcdef"):
    plain = random16 + struct.pack(">I", len(msg)) + msg + appid
    k = pad_block - len(plain) % pad_block
    plain += bytes([k]) * k
    out = subprocess.run(["openssl", "enc", "-aes-256-cbc", "-nopad", "-K", key.hex(), "-iv", key[:16].hex()],
                         input=plain, capture_output=True, check=True).stdout
    return base64.b64encode(out).decode()


seeds("wxcrypt", {
    "reply-text": encrypt(b"<xml><Content><![CDATA[hi]]></Content></xml>"),
    "reply-empty": encrypt(b""),
    "reply-utf8": encrypt("<xml><Content>你好</Content></xml>".encode()),
    "reply-nul": encrypt(b"a\x00b"),
    "reply-block-exact": encrypt(b"x" * 10),
    "reply-long": encrypt(b"y" * 3000),
    "other-appid": encrypt(b"<xml/>", appid=b"wxother"),
    "empty-appid": encrypt(b"<xml/>", appid=b""),
    "pad-16": encrypt(b"<xml/>", pad_block=16),
    "wrong-key": encrypt(b"<xml/>", key=base64.b64decode("ZYXWVUTSRQPONMLKJIHGFEDCBAzyxwvutsrqponmlkj=")),
    "not-base64": "this is not base64!",
    "short": base64.b64encode(b"0123456789abcdef").decode(),
    "no-padding": encrypt(b"<xml/>").rstrip("="),
    "newline": encrypt(b"<xml/>")[:20] + "\n" + encrypt(b"<xml/>")[20:],
    "message-xml": "<xml><ToUserName><![CDATA[gh_abc]]></ToUserName></xml>",
    "message-binary": bytes(range(256)),
    "message-empty": "",
    "message-long": "z" * 4000,
    "timestamp": "1750000000",
    "url-safe": encrypt(b"<xml/>").replace("+", "-").replace("/", "_"),
})

# ---- pagetext: selector byte (type index) + body --------------------------------
T_HTML, T_UTF8, T_GBK, T_GB2312, T_XHTML, T_PLAIN, T_PLAIN_UTF8, T_LATIN1, T_PNG, T_NONE = range(10)
page = ("<!DOCTYPE html><html><head><title>隐私政策</title><style>.x{}</style><script>var s=1;</script></head>"
        "<body><h1>Privacy Policy</h1><p>We keep little.</p><footer>© 2026 杭州开放科技有限公司</footer></body></html>")


def sel(t, body):
    if isinstance(body, str):
        body = body.encode("utf-8")
    return bytes([t]) + body


seeds("pagetext", {
    "html": sel(T_HTML, page), "html-utf8": sel(T_UTF8, page),
    "html-gbk": sel(T_GBK, page.encode("gbk", "replace")),
    "html-gb2312-meta": sel(T_HTML, ('<meta charset="gb2312">' + page).encode("gbk", "replace")),
    "xhtml": sel(T_XHTML, '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body><p>Entity Ltd</p></body></html>'),
    "plain": sel(T_PLAIN, "Privacy policy\n\nOperated by 杭州开放科技有限公司."),
    "plain-utf8": sel(T_PLAIN_UTF8, "Ｆｕｌｌ width and s p a c e d"),
    "plain-latin1": sel(T_LATIN1, "caf\xe9".encode("latin-1")),
    "plain-nul": sel(T_PLAIN, b"a\x00b\x00c"),
    "png": sel(T_PNG, b"\x89PNG\r\n\x1a\n"),
    "no-type": sel(T_NONE, page),
    "template-comment": sel(T_HTML, "<template>hidden</template><!-- hidden --><p>shown</p>"),
    "entities": sel(T_HTML, "<p>A&amp;B &lt;C&gt; &#x4E2D;&#25991; &nbsp;</p>"),
    "unclosed": sel(T_HTML, "<p>unclosed <b>bold <i>italic"),
    "stray-byte": sel(T_UTF8, b"<p>We keep \x84little.</p><footer>Entity Ltd</footer>"),
    "utf16-bom": sel(T_HTML, "\ufeff<p>utf16</p>".encode("utf-16-le")),
    "cdata": sel(T_XHTML, "<html><body><![CDATA[raw text]]></body></html>"),
    "only-script": sel(T_HTML, "<script>only()</script>"),
    "deep": sel(T_HTML, "<div>" * 300 + "deep" + "</div>" * 300),
    "big-footer": sel(T_HTML, "<p>" + "word " * 3000 + "</p><footer>Entity Ltd</footer>"),
    "bad-charset": sel(10, page),
})

# ---- upload: Content-Type \n bytes --------------------------------------------
upload = {}
img_dir = os.path.join(CORPUS, "image")
os.makedirs(img_dir, exist_ok=True)
subprocess.run(["cc", "-O2", "-w", "-o", os.path.join(ROOT, "build", "fuzz-image-seeds"),
                os.path.join(ROOT, "tools", "fuzz-image-seeds.c"), "-lm"], check=True)
subprocess.run([os.path.join(ROOT, "build", "fuzz-image-seeds"), img_dir], check=True)
for f in ("logo-144-rgba.png", "gray-16.png", "photo-144-q90.jpg", "gray-16-q75.jpg", "gray-16.gif", "gif87-8x8.gif"):
    body = open(os.path.join(img_dir, f), "rb").read()
    mime = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif"}[f.rsplit(".", 1)[1]]
    upload["ok-" + f] = mime.encode() + b"\n" + body
    if f == "gray-16.png":
        upload["mismatch-png-as-jpeg"] = b"image/jpeg\n" + body
        upload["param-png"] = b"image/png; name=logo.png\n" + body
        upload["upper-png"] = b"IMAGE/PNG\n" + body
        upload["truncated-png"] = b"image/png\n" + body[:20]
seeds("upload", upload)
seeds("upload", {
    "pdf": "application/pdf\n%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
    "pdf-as-png": "image/png\n%PDF-1.4\n",
    "svg": "image/svg+xml\n<svg xmlns='http://www.w3.org/2000/svg'/>",
    "html-as-gif": "image/gif\n<html><script>alert(1)</script></html>",
    "empty-body": "image/png\n",
    "no-type": "\n\x89PNG\r\n\x1a\n",
    "magic-only-jpeg": b"image/jpeg\n\xff\xd8\xff",
    "long-type": "image/png" + "x" * 100 + "\n\x89PNG\r\n\x1a\n",
    "gif-as-png": "image/png\nGIF89a\x01\x00\x01\x00\x00\x00\x00;",
    "jpeg-charset": b"image/jpeg;charset=binary\n\xff\xd8\xff\xe0\x00\x10JFIF\x00",
})

# ---- config: INI files -----------------------------------------------------
seeds("config", {
    "typical": "# kaifangd\nlisten = 0.0.0.0:8080\ndata-dir = /var/lib/kaifang\nthreads = 8\nmax-body = 2MiB\nsession-ttl = 7d\n",
    "sections": "[server]\nlisten = 127.0.0.1:9090\n[limits]\nmax_upload = 20MiB\nlogin_window = 15m\n",
    "quoted": 'data-dir = "/srv/kaifang data"\nutc-offset = "+08:00"\n',
    "underscores": "max_connections = 2048\nper_ip_connections = 64\n",
    "durations": "session-ttl = 3600\nemail-code-ttl = 30m\nlogin-lock = 2h\nlock-period = 180d\nconnection-timeout = 45s\n",
    "sizes": "max-body = 1048576\nmax-upload = 512k\nmax-body = 1M\nmax-upload = 10MiB\nmax-body = 4096B\n",
    "bools": "individuals-allowed = false\nindividuals-allowed = yes\nindividuals-allowed = 0\n",
    "comments": "; semicolon comment\n# hash comment\n   \n\t\nthreads = 2\n",
    "crlf": "threads = 3\r\nlisten = 127.0.0.1:8081\r\n",
    "unknown-key": "colour = red\n",
    "config-key": "config = /etc/other.ini\n",
    "no-equals": "threads 4\n",
    "out-of-range": "threads = 1000\n",
    "negative": "max-body = -1\n",
    "overflow": "session-ttl = 9223372036854775807d\n",
    "bad-unit": "session-ttl = 7w\nmax-body = 1GiB\n",
    "empty-value": "excluded-kinds =\n",
    "equals-in-value": "auth-type-kinds = 1:mini_program 2:enterprise,shop 3:*\nhost-kinds = a=b\n",
    "secret": "smtp-password = hunter2\nmetrics-token = \"tok en\"\n",
    "no-final-newline": "threads = 5",
    "nul-byte": b"threads = 5\x00\n",
    "long-line": "host-kinds = " + "k," * 3000 + "\n",
    "leading-spaces-value": 'data-dir = "  spaced  "\n',
})

# ---- termlist: selector byte (list) + file ----------------------------------------
def tl(i, text):
    return bytes([i]) + (text.encode("utf-8") if isinstance(text, str) else text)


seeds("termlist", {
    "marks": tl(0, "# protected marks\nKaifang\n开放平台\nＫａｉＦａｎｇ\n"),
    "generic": tl(1, "Mini Program\n小程序\n"),
    "hot-words": tl(2, "热门\n爆款\n"),
    "gambling": tl(3, "赌博\n彩票\n百家乐\n"),
    "superlatives": tl(4, "最\n第一\nbest\n"),
    "banned": tl(5, "违禁词\nbanned term\n"),
    "crlf": tl(0, "one\r\ntwo\r\n"),
    "blank-and-comments": tl(2, "\n\n# c\n  # not a comment\nterm\n\n"),
    "no-final-newline": tl(1, "last"),
    "empty": tl(0, ""),
    "only-comments": tl(3, "# a\n# b\n"),
    "punctuation-only": tl(4, "!!!\n---\n"),
    "too-long": tl(5, "字" * 65 + "\n"),
    "max-length": tl(5, "字" * 64 + "\n"),
    "invalid-utf8": tl(0, b"ok\n\xff\xfe\n"),
    "nul": tl(1, b"a\x00b\n"),
    "cr-only": tl(2, "a\rb\r"),
    "spaces": tl(3, "  spaced term  \n"),
    "duplicates": tl(4, "dup\ndup\nDUP\n"),
    "emoji": tl(5, "🎰\n赌🎰博\n"),
    "many": tl(2, "".join("term%d\n" % i for i in range(300))),
})

print("seeds written under", os.path.relpath(CORPUS, ROOT))
