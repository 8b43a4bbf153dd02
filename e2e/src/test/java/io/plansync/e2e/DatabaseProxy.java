package io.plansync.e2e;

import io.plansync.testing.ServiceProcess;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy between the services and PostgreSQL, so a test can take "the database" away without touching the
 * shared server: {@link #cut()} closes every connection through it and refuses new ones, as a PostgreSQL restart
 * does; {@link #freeze()} refuses new ones and lets the open ones go silent for good, as a host that vanished
 * from the network (nothing is closed, no answer ever comes); {@link #restore()} accepts connections again.
 */
final class DatabaseProxy implements AutoCloseable {
    private final String targetHost;
    private final int targetPort;
    private final int port = ServiceProcess.freePort();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Set<Socket> silent = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket listener;

    /** @param jdbcUrl a database on the server to proxy (jdbc:postgresql://host:port/name) */
    DatabaseProxy(String jdbcUrl) {
        URI target = URI.create(jdbcUrl.substring("jdbc:".length()));
        this.targetHost = target.getHost();
        this.targetPort = target.getPort() == -1 ? 5432 : target.getPort();
        restore();
    }

    /** The same database, reached through this proxy. */
    String urlThrough(String jdbcUrl) {
        URI target = URI.create(jdbcUrl.substring("jdbc:".length()));
        return "jdbc:postgresql://127.0.0.1:" + port + target.getRawPath()
                + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
    }

    /** Like a database restart: every open connection drops and new ones are refused until {@link #restore()}. */
    synchronized void cut() {
        closeQuietly(listener);
        sockets.forEach(DatabaseProxy::closeQuietly);
        sockets.clear();
    }

    /** Like a partition: new connections are refused and the open ones never carry another byte. */
    synchronized void freeze() {
        closeQuietly(listener);
        silent.addAll(sockets);
    }

    synchronized void restore() {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            listener = socket;
            Thread.ofVirtual().name("db-proxy-accept").start(() -> accept(socket));
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + port, e);
        }
    }

    private void accept(ServerSocket socket) {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                Socket server;
                try {
                    server = new Socket(targetHost, targetPort);
                } catch (IOException e) {
                    closeQuietly(client);
                    continue;
                }
                sockets.add(client);
                sockets.add(server);
                Thread.ofVirtual().start(() -> pump(client, server));
                Thread.ofVirtual().start(() -> pump(server, client));
            } catch (IOException e) {
                // closed by cut()
            }
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int read; (read = in.read(buffer)) != -1; ) {
                if (!silent.contains(from)) {
                    out.write(buffer, 0, read);
                    out.flush();
                }
            }
        } catch (IOException e) {
            // one side went away
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            sockets.remove(from);
            sockets.remove(to);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            if (closeable != null) {
                closeable.close();
            }
        } catch (Exception ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        cut();
        silent.forEach(DatabaseProxy::closeQuietly);
    }
}
