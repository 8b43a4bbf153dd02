package io.plansync.testing.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Requests no HTTP client library would send: control bytes and junk in the request line, headers and framing. */
public final class RawRequests {
    private static final String CLOSE = "Host: x\r\nConnection: close\r\n";

    private RawRequests() {
    }

    /**
     * @param get      a GET endpoint that needs a token, without its leading slash and with an {@code {id}} variable
     *                 (say {@code admin/users/{id}})
     * @param post     a POST endpoint that takes JSON (say {@code auth/login})
     * @param token    a valid bearer token, so that requests get past authentication
     * @return raw HTTP/1.1 requests, ISO-8859-1 bytes, each asking for the connection to be closed
     */
    public static List<byte[]> malformed(String get, String post, String token) {
        String bearer = "Authorization: Bearer " + token + "\r\n";
        String json = "POST /" + post + " HTTP/1.1\r\n" + CLOSE + "Content-Type: application/json\r\n";
        return List.of(
                "GET /" + get.replace("{id}", "\u0000") + " HTTP/1.1\r\n" + CLOSE + bearer + "\r\n",
                "GET /" + get.replace("{id}", "a\u0001b") + " HTTP/1.1\r\n" + CLOSE + bearer + "\r\n",
                "GET /" + get.replace("{id}", "a\u007fb") + " HTTP/1.1\r\n" + CLOSE + bearer + "\r\n",
                "GET /" + get.replace("{id}", "\u00e9\u00ff") + " HTTP/1.1\r\n" + CLOSE + bearer + "\r\n",
                "GET /" + get.replace("{id}", "{id}|<>^`\\") + " HTTP/1.1\r\n" + CLOSE + bearer + "\r\n",
                "GET /" + get.replace("{id}", "1") + "?a=\u0000 HTTP/1.1\r\n" + CLOSE + bearer + "\r\n",
                "GET /" + get.replace("{id}", "1") + "?%%% HTTP/1.1\r\n" + CLOSE + bearer + "\r\n",
                "GET /" + get.replace("{id}", "1") + "?a=%ZZ&b=%u0000 HTTP/1.1\r\n" + CLOSE + bearer + "\r\n",
                "GET /" + "a".repeat(5000) + " HTTP/1.1\r\n" + CLOSE + "\r\n",
                "GET /" + get.replace("{id}", "1") + "?" + "a=b&".repeat(2000) + " HTTP/1.1\r\n" + CLOSE + "\r\n",
                "GET http://evil.example/" + get.replace("{id}", "1") + " HTTP/1.1\r\n" + CLOSE + bearer + "\r\n",
                "GET * HTTP/1.1\r\n" + CLOSE + "\r\n",
                "GET " + get.replace("{id}", "1") + " HTTP/1.1\r\n" + CLOSE + "\r\n",
                "GET /" + get.replace("{id}", "1") + " HTTP/1.1\r\n" + CLOSE + "X-Big: " + "b".repeat(20_000)
                        + "\r\n\r\n",
                "GET /" + get.replace("{id}", "1") + " HTTP/1.1\r\n" + CLOSE + "X-Correlation-Id: a\u0000b\r\n\r\n",
                "GET /" + get.replace("{id}", "1") + " HTTP/1.1\r\n" + CLOSE + "X-Correlation-Id: "
                        + "c".repeat(5000) + "\r\n" + bearer + "\r\n",
                "GET /" + get.replace("{id}", "1") + " HTTP/1.1\r\n" + CLOSE
                        + "Authorization: Bearer \u0000\u0001\r\n\r\n",
                "GET /" + get.replace("{id}", "1") + " HTTP/1.1\r\n" + CLOSE + "Authorization: Bearer "
                        + "a".repeat(9000) + "\r\n\r\n",
                "GET /" + get.replace("{id}", "1") + " HTTP/1.1\r\n" + CLOSE + "Authorization: Basic Og==\r\n\r\n",
                "GET /" + get.replace("{id}", "1") + " HTTP/1.1\r\n" + CLOSE + "Accept: text/html\r\n" + bearer
                        + "\r\n",
                "GET /" + get.replace("{id}", "1") + " HTTP/1.1\r\n" + CLOSE + "Accept: \u0000/\u0000\r\n" + bearer
                        + "\r\n",
                "GET /" + get.replace("{id}", "1") + " HTTP/1.1\r\n" + CLOSE + "Accept-Language: ;;;q=x\r\n"
                        + "Accept-Charset: nonsense\r\n" + bearer + "\r\n",
                json + "Content-Length: -1\r\n\r\n{}",
                json + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
                json + "Content-Length: abc\r\n\r\n{}",
                json + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
                json + "Transfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
                json + "Content-Length: 2000000\r\n\r\n" + " ".repeat(2_000_000),
                json + "Transfer-Encoding: chunked\r\n\r\n"
                        + ("4000\r\n" + " ".repeat(0x4000) + "\r\n").repeat(80) + "0\r\n\r\n",
                json + "Content-Encoding: gzip\r\nContent-Length: 4\r\n\r\nnope",
                json + "Expect: 100-continue\r\nContent-Length: 2\r\n\r\n{}",
                "BREW /" + post + " HTTP/1.1\r\n" + CLOSE + "\r\n",
                "GET /" + get.replace("{id}", "1") + " HTTP/9.9\r\n" + CLOSE + "\r\n")
                .stream().map(s -> s.getBytes(StandardCharsets.ISO_8859_1)).toList();
    }
}
