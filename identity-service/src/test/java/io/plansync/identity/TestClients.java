package io.plansync.identity;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Prototype;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;

/** Lets a test declare {@code @Inject Api api}: the API of the identity-service it started, over real HTTP. */
@Factory
final class TestClients {
    @Prototype
    Api api(@Client("/") HttpClient client) {
        return new Api(client);
    }
}
