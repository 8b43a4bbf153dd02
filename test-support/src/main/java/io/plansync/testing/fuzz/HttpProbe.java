package io.plansync.testing.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Sends requests exactly as given, over a plain socket: an HTTP client library would refuse or repair much of what
 * a fuzz test sends (malformed escapes, control bytes in the request line, broken headers).
 */
public final class HttpProbe {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String host;
    private final int port;

    public HttpProbe(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /**
     * Sends the request exactly as given, on a connection of its own.
     *
     * @param target  path and query as sent (percent-encoded or not, as the case wants)
     * @param headers extra headers (Content-Type, Authorization, ...)
     * @param body    the body, or null for none
     */
    /** A GET with a bearer token: the normal request a health check after fuzzing makes. */
    public Answer getWithBearer(String target, String token) {
        return send("GET", target, Map.of("Authorization", "Bearer " + token), null);
    }

    public Answer send(String method, String target, Map<String, String> headers, byte[] body) {
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append(':').append(port).append("\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] request = body == null ? headBytes : concat(headBytes, body);
        try {
            return sendRaw(request);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(method + " " + (target.length() > 100 ? target.substring(0, 100) + "..."
                    : target) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes the bytes as they are and reads one answer. The writing goes on beside the reading: a server may well
     * answer (a 400, a 413) before it has read the whole request.
     */
    public Answer sendRaw(byte[] request) {
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            // A thread of its own, never a shared pool: the caller may itself be running on one (jqwik runs
            // properties on the common pool), and a write waiting for it would wait for this read.
            Thread writing = Thread.ofVirtual().start(() -> {
                try {
                    out.write(request);
                    out.flush();
                } catch (IOException ignored) {
                    // The server answered and closed before reading everything: its answer is what counts.
                }
            });
            try {
                return read(socket.getInputStream());
            } finally {
                writing.interrupt();
            }
        } catch (IOException e) {
            throw new IllegalStateException("raw request got no answer: " + e, e);
        }
    }

    /** One HTTP/1.x answer: its head, then a body framed by Content-Length, chunks, or the end of the connection. */
    private static Answer read(InputStream in) throws IOException {
        ByteArrayOutputStream headBytes = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in the answer's head: "
                        + headBytes.toString(StandardCharsets.ISO_8859_1));
            }
            headBytes.write(b);
            matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1
                    : b == '\r' ? 1 : 0;
        }
        String head = headBytes.toString(StandardCharsets.ISO_8859_1);
        int space = head.indexOf(' ');
        if (!head.startsWith("HTTP/") || space < 0 || head.length() < space + 4) {
            throw new IOException("not an HTTP answer: " + head.substring(0, Math.min(200, head.length())));
        }
        int status = Integer.parseInt(head.substring(space + 1, space + 4));
        String contentType = "";
        long length = -1;
        boolean chunked = false;
        for (String line : head.split("\r\n")) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-type:")) {
                contentType = line.substring(13).trim();
            } else if (lower.startsWith("content-length:")) {
                length = Long.parseLong(line.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        byte[] body = chunked ? dechunk(in) : length >= 0 ? in.readNBytes((int) length) : in.readAllBytes();
        return new Answer(status, contentType, new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] dechunk(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            StringBuilder size = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                if (c != '\r') {
                    size.append((char) c);
                }
            }
            int length = size.isEmpty() ? 0 : Integer.parseInt(size.toString().split(";")[0].trim(), 16);
            if (length == 0) {
                return out.toByteArray();
            }
            out.write(in.readNBytes(length));
            in.readNBytes(2);
        }
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
