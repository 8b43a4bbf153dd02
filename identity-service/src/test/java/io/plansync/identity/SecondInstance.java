package io.plansync.identity;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.Environment;
import io.micronaut.http.client.HttpClient;
import io.micronaut.runtime.server.EmbeddedServer;
import io.plansync.testing.ServiceProcess;

import java.util.HashMap;
import java.util.Map;

/** Another identity-service instance (a restart, or a replica) on the same database, reached over real HTTP. */
public final class SecondInstance implements AutoCloseable {
    private final EmbeddedServer server;
    private final HttpClient client;

    public SecondInstance(Map<String, String> properties) {
        Map<String, Object> settings = new HashMap<>(properties);
        settings.put("micronaut.server.port", "-1");
        settings.put("endpoints.all.port", Integer.toString(ServiceProcess.freePort()));
        server = ApplicationContext.run(EmbeddedServer.class, settings, Environment.TEST);
        client = server.getApplicationContext().createBean(HttpClient.class, server.getURL());
    }

    public Api api() {
        return new Api(client);
    }

    @Override
    public void close() {
        client.close();
        server.getApplicationContext().close();
    }
}
