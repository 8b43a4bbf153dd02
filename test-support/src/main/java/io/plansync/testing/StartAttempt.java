package io.plansync.testing;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.ApplicationContextBuilder;
import io.micronaut.jdbc.DataSourceResolver;

import javax.sql.DataSource;
import java.io.Closeable;

/** Starts an application context in-process; one whose start is refused does not keep its connections open. */
public final class StartAttempt {
    private StartAttempt() {
    }

    public static ApplicationContext start(ApplicationContextBuilder builder) {
        ApplicationContext context = builder.build();
        try {
            return context.start();
        } catch (RuntimeException refused) {
            // A refused start never runs the context, so closing it destroys nothing: close the pool it opened, or
            // its connections stay held until the JVM exits (the server is shared), and any other closeable bean
            // it made (a JWKS refresher, say).
            DataSourceResolver resolver = context.findBean(DataSourceResolver.class).orElse(DataSourceResolver.DEFAULT);
            for (var dataSource : context.getActiveBeanRegistrations(DataSource.class)) {
                close(resolver.resolve(dataSource.bean()));
            }
            for (var closeable : context.getActiveBeanRegistrations(Closeable.class)) {
                close(closeable.bean());
            }
            throw refused;
        }
    }

    private static void close(Object bean) {
        if (bean instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
    }
}
