package io.plansync.support.limits;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The client is the TCP peer unless the peer is a trusted proxy; X-Forwarded-For is believed only that far. */
class ClientAddressesTest {
    private static final List<IpSubnetFilterRule> PROXIES = List.of(
            new IpSubnetFilterRule("10.0.0.0", 8, IpFilterRuleType.ACCEPT));

    @Test
    void an_untrusted_peer_is_the_client_whatever_it_forwards() {
        assertThat(resolve("203.0.113.9", "198.51.100.1")).isEqualTo("203.0.113.9");
    }

    @Test
    void behind_a_trusted_proxy_the_nearest_untrusted_hop_is_the_client() {
        assertThat(resolve("10.0.0.2", "198.51.100.1")).isEqualTo("198.51.100.1");
        assertThat(resolve("10.0.0.2", "6.6.6.6, 198.51.100.1, 10.0.0.7")).as("a forged hop on the left is ignored")
                .isEqualTo("198.51.100.1");
        assertThat(resolve("10.0.0.2", "198.51.100.1:4431")).as("with a port").isEqualTo("198.51.100.1");
    }

    @Test
    void a_hop_that_is_not_an_address_stops_the_walk_at_the_proxy() {
        assertThat(resolve("10.0.0.2", "198.51.100.1, evil.example")).isEqualTo("10.0.0.2");
        assertThat(resolve("10.0.0.2", null)).isEqualTo("10.0.0.2");
    }

    @Test
    void ipv6_clients_are_counted_per_64() throws Exception {
        assertThat(ClientAddresses.key(InetAddress.getByName("2001:db8:1:2:aaaa::1")))
                .isEqualTo(ClientAddresses.key(InetAddress.getByName("2001:db8:1:2:bbbb::9")))
                .isEqualTo("2001:db8:1:2::/64");
    }

    @Test
    void a_setting_that_is_not_an_address_stops_the_service_naming_the_setting() {
        assertThatThrownBy(() -> new ClientAddresses(List.of("10.0.0.0/8", "proxy.internal"),
                "plansync.billing.trusted-proxies")).hasMessageContaining("plansync.billing.trusted-proxies")
                .hasMessageContaining("proxy.internal");
        new ClientAddresses(List.of(" "), "an unset environment variable gives one blank entry");
    }

    private static String resolve(String peer, String forwardedFor) {
        try {
            return ClientAddresses.key(ClientAddresses.resolve(new InetSocketAddress(InetAddress.getByName(peer), 1),
                    forwardedFor == null ? List.of() : List.of(forwardedFor), PROXIES));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
