// Tests of the page's wire mapping (sip-wire.js) on Node's built-in runner: `node --test`,
// run by parley-web's build in the test phase (skipped with -DskipTests).
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  MAX_COMPOSING_REFRESH, MessageLineHandler, carriesBrowserAudio, composingBody, composingRefresh, peerKey,
  preferMd5Challenges, sessionTypeOf,
} from "../../main/site/sip-wire.js";

const request = (contact, body) => ({ getHeader: (name) => (name === "Contact" ? contact : undefined), body });
const OFFER = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
  + "m=message 5060 sip sip:focus@example.com\r\na=accept-types:text/plain\r\nm=audio 4000 RTP/AVP 0 101\r\n";

test("an INVITE's session type is read as Parley endpoints read it", () => {
  assert.equal(sessionTypeOf(request("<sip:b@h>", "m=audio 4000 RTP/AVP 0\r\n")), "audio");
  assert.equal(sessionTypeOf(request("<sip:b@h>", "m=message 5060 sip sip:b@h\r\n")), "im");
  assert.equal(sessionTypeOf(request("<sip:conf@h>;isfocus", "m=message 5060 sip sip:b@h\r\n")), "conference");
  assert.equal(sessionTypeOf(request("<sip:b@h>", "m=audio 0 RTP/AVP 0\r\nm=message 0 sip x\r\n")), "application");
});

test("only an SDP with a DTLS fingerprint and ICE carries browser audio", () => {
  assert.equal(carriesBrowserAudio("m=audio 4000 RTP/AVP 0\r\n"), false);
  assert.equal(carriesBrowserAudio("a=ice-ufrag:x\r\na=fingerprint:sha-256 AB\r\n"), true);
});

test("an IM session offers one m=message line and answers an offer line for line", async () => {
  const offering = new MessageLineHandler("sip:carol@example.com", "x.invalid");
  const offer = (await offering.getDescription()).body;
  assert.match(offer, /^m=message 5060 sip sip:carol@example\.com$/m);
  await offering.setDescription(OFFER); // the answer to our offer
  assert.match((await offering.getDescription()).body, /^m=message /m);

  const answering = new MessageLineHandler("sip:carol@example.com", "x.invalid");
  await answering.setDescription(OFFER);
  const answer = (await answering.getDescription()).body;
  assert.deepEqual(answer.split("\r\n").filter((l) => l.startsWith("m=")),
    ["m=message 5060 sip sip:carol@example.com", "m=audio 0 RTP/AVP 0 101"]);
  await assert.rejects(answering.setDescription("v=0\r\nm=audio 4000 RTP/AVP 0\r\n"));
});

test("a challenge keeps only its MD5 digest challenges when it has one", () => {
  const text = "SIP/2.0 401 Unauthorized\r\nVia: SIP/2.0/WSS x\r\n"
    + 'WWW-Authenticate: Digest realm="d", nonce="1", algorithm=SHA-256\r\n'
    + 'WWW-Authenticate: Digest realm="d", nonce="2", algorithm=MD5\r\nContent-Length: 0\r\n\r\n';
  const kept = preferMd5Challenges(text);
  assert.equal(kept.match(/WWW-Authenticate/g).length, 1);
  assert.match(kept, /algorithm=MD5/);
  assert.ok(kept.endsWith("Content-Length: 0\r\n\r\n"));
  const sha256Only = text.replace(/WWW-Authenticate: [^\r]*MD5\r\n/, "");
  assert.equal(preferMd5Challenges(sha256Only), sha256Only);
  assert.equal(preferMd5Challenges("MESSAGE sip:a@b SIP/2.0\r\n\r\n"), "MESSAGE sip:a@b SIP/2.0\r\n\r\n");
});

test("composing indications follow RFC 3994", () => {
  assert.match(composingBody(true), /<state>active<\/state>.*<refresh>90<\/refresh>/s);
  assert.doesNotMatch(composingBody(false), /refresh/);
});

test("a peer is its user and host, whatever the scheme, port and parameters", () => {
  assert.equal(peerKey("sip:Bob@Example.com:5060;transport=ws"), "bob@example.com");
  assert.equal(peerKey("sips:bob@example.com"), "bob@example.com");
});

test("a peer's composing refresh is at most 300 s, and 120 s when absent or not a positive number", () => {
  assert.equal(MAX_COMPOSING_REFRESH, 300);
  assert.equal(composingRefresh("90"), 90);
  assert.equal(composingRefresh(" 300 "), 300);
  assert.equal(composingRefresh("301"), 300);
  assert.equal(composingRefresh("99999999999999999999999"), 300);
  assert.equal(composingRefresh(""), 120);
  assert.equal(composingRefresh("0"), 120);
  assert.equal(composingRefresh("-5"), 120);
  assert.equal(composingRefresh("1e9"), 120);
  assert.equal(composingRefresh(undefined), 120);
});
