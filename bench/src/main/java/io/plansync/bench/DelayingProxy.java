package io.plansync.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A TCP forwarder in the benchmark's JVM, between payment-service and identity-service (payment-service's
 * IDENTITY_URL points at it), so that a phase can make identity-service slow or unreachable without stopping it. It
 * copies bytes and knows nothing of HTTP, so every call (plan changes, JWKS) passes as it is, for a few system
 * calls per request (the relay makes tens of requests a second). With a delay, the first bytes of each request are
 * held that long before they go on, and what arrived meanwhile (the rest of that request: HTTP/1.1 sends one at a
 * time per connection) goes on with them: identity-service answers that much later, as over a slower network.
 */
final class DelayingProxy implements AutoCloseable {
    private static final int BUFFER_BYTES = 64 * 1024;

    private final int targetPort;
    private final int port;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile long delayNanos;
    /** Null while cut off: nothing listens, so connections are refused. */
    private volatile ServerSocket server;

    /** Listens on a free loopback port, forwarding to {@code targetPort} on the loopback address. */
    DelayingProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.port = listen(0);
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** How much later each request reaches identity-service from now on (zero: at once). */
    void delay(Duration delay) {
        delayNanos = delay.toNanos();
    }

    /**
     * An outage as payment-service sees it, the same as when identity-service is down: nothing listens (new
     * connections are refused) and open connections are reset, until {@link #reconnect}. A reset rather than a
     * close, and a refusal rather than an accepted connection closed at once: payment-service's HTTP client waited
     * out its read timeout (5 s) on about one request per outage when the proxy accepted connections and closed them.
     */
    synchronized void cutOff() throws IOException {
        if (server != null) {
            server.close();
            server = null;
        }
        open.forEach(DelayingProxy::reset);
    }

    /** Listens again, on the same port. */
    synchronized void reconnect() throws IOException {
        if (server == null) {
            listen(port);
        }
    }

    private synchronized int listen(int onPort) throws IOException {
        ServerSocket listening = new ServerSocket();
        listening.setReuseAddress(true);
        listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 256);
        server = listening;
        threads.submit(() -> accept(listening));
        return listening.getLocalPort();
    }

    private void accept(ServerSocket listening) {
        while (!listening.isClosed()) {
            try {
                Socket client = listening.accept();
                threads.submit(() -> forward(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** One connection: requests one way (delayed), answers the other; ends when either side closes. */
    private void forward(Socket client) {
        Socket upstream = null;
        open.add(client);
        try {
            upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
            open.add(upstream);
            if (server == null) { // accepted just before a cut-off, and missed by it
                reset(client);
                return;
            }
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
            Socket to = upstream;
            Future<?> requests = threads.submit(() -> copy(client, to, true));
            copy(upstream, client, false);
            requests.get();
        } catch (IOException | ExecutionException e) {
            // identity-service down, or the connection cut: the client sees it closed.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(client);
            open.remove(client);
            if (upstream != null) {
                closeQuietly(upstream);
                open.remove(upstream);
            }
        }
    }

    /**
     * Copies until the end of {@code from}'s stream or a failure, then closes both: when identity-service closes
     * (or dies), payment-service sees its connection closed, as it would without the proxy.
     */
    private Void copy(Socket from, Socket to, boolean delayed) {
        byte[] buffer = new byte[BUFFER_BYTES];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int read;
            while ((read = in.read(buffer)) >= 0) {
                long delay = delayed ? delayNanos : 0;
                if (delay > 0) {
                    Thread.sleep(Duration.ofNanos(delay));
                }
                out.write(buffer, 0, read);
                // What arrived while this request's first bytes were held is the rest of it: no second delay.
                while (delay > 0 && in.available() > 0 && (read = in.read(buffer)) > 0) {
                    out.write(buffer, 0, read);
                }
            }
        } catch (IOException e) {
            // Closed from the other direction, or cut off: closed below.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
        return null;
    }

    /** Closes with a TCP reset (SO_LINGER 0), which fails a request under way at once. */
    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException closedAlready) {
            // Nothing to reset.
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing is all that was wanted.
        }
    }

    @Override
    public void close() throws IOException {
        cutOff();
        threads.shutdownNow();
    }
}
