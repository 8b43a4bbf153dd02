package io.plansync.support.management;

import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.server.netty.configuration.NettyHttpServerConfiguration;
import io.micronaut.http.server.netty.configuration.NettyHttpServerConfiguration.NettyListenerConfiguration;
import jakarta.inject.Singleton;

import java.util.Comparator;
import java.util.List;

/**
 * Puts the API listener before the management one (micronaut.server.netty.listeners): Micronaut takes the server's
 * port and URL (start-up log, test clients) from the first listener, and named listeners come in no fixed order.
 */
@Singleton
public class ApiListenerFirst implements BeanCreatedEventListener<NettyHttpServerConfiguration> {

    @Override
    public NettyHttpServerConfiguration onCreated(BeanCreatedEvent<NettyHttpServerConfiguration> event) {
        NettyHttpServerConfiguration configuration = event.getBean();
        List<NettyListenerConfiguration> listeners = configuration.getListeners();
        if (listeners != null) {
            configuration.setListeners(listeners.stream()
                    .sorted(Comparator.comparing(listener -> !listener.isExposeDefaultRoutes()))
                    .toList());
        }
        return configuration;
    }
}
