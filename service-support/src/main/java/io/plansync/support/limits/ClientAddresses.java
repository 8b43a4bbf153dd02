package io.plansync.support.limits;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Who a request comes from, for the per-address limits: the TCP peer, unless that peer is a configured trusted
 * proxy; then X-Forwarded-For is read from the right, past every trusted proxy, and the first address that is not
 * one is the client. Anything else in that header is the client's own say and is never believed. IPv6 clients are
 * counted per /64, the block one subscriber normally gets: inside it they can pick addresses at will. Each service
 * makes one from its own trusted-proxies setting.
 */
public final class ClientAddresses {
    static final String FORWARDED_FOR = "X-Forwarded-For";
    private static final String ATTRIBUTE = "plansync.clientAddress";

    private final List<IpSubnetFilterRule> trustedProxies;

    /**
     * @param proxies addresses or CIDR ranges (blank entries left out: an unset environment variable gives one)
     * @param setting the setting they came from, named when one is not an address
     */
    public ClientAddresses(@Nullable List<String> proxies, String setting) {
        this.trustedProxies = (proxies == null ? List.<String>of() : proxies).stream().map(String::trim)
                .filter(p -> !p.isEmpty()).map(p -> rule(p, setting)).toList();
    }

    /** The client's address as a limit key, worked out once per request. */
    public String of(HttpRequest<?> request) {
        return request.getAttribute(ATTRIBUTE, String.class).orElseGet(() -> {
            String address = key(resolve(request.getRemoteAddress(), request.getHeaders().getAll(FORWARDED_FOR),
                    trustedProxies));
            request.setAttribute(ATTRIBUTE, address);
            return address;
        });
    }

    /** The client: the peer, or, when the peer is a trusted proxy, the nearest untrusted hop it forwarded for. */
    static InetAddress resolve(InetSocketAddress peer, List<String> forwardedFor, List<IpSubnetFilterRule> trusted) {
        InetAddress client = peer.getAddress();
        if (client == null || !isTrusted(client, trusted)) {
            return client;
        }
        List<String> hops = new ArrayList<>();
        for (String header : forwardedFor) {
            for (String hop : header.split(",")) {
                hops.add(hop.trim());
            }
        }
        for (int i = hops.size() - 1; i >= 0; i--) {
            InetAddress hop = parse(hops.get(i));
            if (hop == null) {
                // Not an address: whatever lies left of it cannot be trusted either.
                return client;
            }
            client = hop;
            if (!isTrusted(hop, trusted)) {
                return client;
            }
        }
        return client;
    }

    /** The address as a key: IPv4 as is, IPv6 as its /64 network. */
    static String key(@Nullable InetAddress address) {
        if (address == null) {
            return "unknown";
        }
        if (address instanceof Inet6Address) {
            byte[] network = address.getAddress();
            for (int i = 8; i < network.length; i++) {
                network[i] = 0;
            }
            try {
                return NetUtil.toAddressString(InetAddress.getByAddress(network)) + "/64";
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        return NetUtil.toAddressString(address);
    }

    private static boolean isTrusted(InetAddress address, List<IpSubnetFilterRule> trusted) {
        InetSocketAddress socket = new InetSocketAddress(address, 0);
        return trusted.stream().anyMatch(rule -> rule.matches(socket));
    }

    /** An IP literal, with or without brackets or a port; null for anything else (never a DNS lookup). */
    private static @Nullable InetAddress parse(String hop) {
        String literal = hop;
        if (literal.startsWith("[")) {
            int end = literal.indexOf(']');
            literal = end < 0 ? literal : literal.substring(1, end);
        } else if (literal.indexOf(':') == literal.lastIndexOf(':') && literal.indexOf(':') > 0) {
            literal = literal.substring(0, literal.indexOf(':'));
        }
        return NetUtil.createInetAddressFromIpAddressString(literal);
    }

    private static IpSubnetFilterRule rule(String proxy, String setting) {
        String address = proxy.contains("/") ? proxy.substring(0, proxy.indexOf('/')) : proxy;
        boolean v6 = NetUtil.isValidIpV6Address(address);
        if (!v6 && !NetUtil.isValidIpV4Address(address)) {
            throw new IllegalStateException(setting + ": '" + proxy
                    + "' is not an IP address or CIDR range");
        }
        try {
            int prefix = proxy.contains("/") ? Integer.parseInt(proxy.substring(proxy.indexOf('/') + 1))
                    : v6 ? 128 : 32;
            return new IpSubnetFilterRule(address, prefix, IpFilterRuleType.ACCEPT);
        } catch (RuntimeException e) {
            throw new IllegalStateException(setting + ": '" + proxy
                    + "' is not an IP address or CIDR range", e);
        }
    }
}
