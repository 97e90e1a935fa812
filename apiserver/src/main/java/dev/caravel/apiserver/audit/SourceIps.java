package dev.caravel.apiserver.audit;

import dev.caravel.apiserver.http.ApiRequest;
import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The source IPs of an audit event, in kube-apiserver's order: the X-Forwarded-For chain (entries
 * that are not IP literals skipped), then X-Real-Ip unless already listed, then the connection's
 * peer unless it is already the last entry. The peer comes last because it is the one address a
 * client cannot forge; the headers are what proxies in front of the server claim.
 */
final class SourceIps {

    private SourceIps() {
    }

    static List<String> of(ApiRequest request) {
        String forwardedFor = request.header("X-Forwarded-For");
        String realIp = request.header("X-Real-Ip");
        String peer = literal(request.remoteAddress());
        if (forwardedFor.isEmpty() && realIp.isEmpty()) {
            return peer == null ? List.of() : List.of(peer);
        }
        List<String> ips = new ArrayList<>(4);
        if (!forwardedFor.isEmpty()) {
            for (String part : forwardedFor.split(",")) {
                String ip = literal(part.trim());
                if (ip != null) {
                    ips.add(ip);
                }
            }
        }
        String real = literal(realIp.trim());
        if (real != null && !ips.contains(real)) {
            ips.add(real);
        }
        if (peer != null && (ips.isEmpty() || !ips.get(ips.size() - 1).equals(peer))) {
            ips.add(peer);
        }
        return ips;
    }

    /** The address in its canonical form (as Go prints a net.IP), or null when it is not an IP literal. */
    static String literal(String text) {
        if (text.isEmpty()) {
            return null;
        }
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(text);
        if (bytes == null) {
            return null;
        }
        try {
            // Never a lookup: the address is built from its bytes.
            InetAddress address = InetAddress.getByAddress(bytes);
            return NetUtil.toAddressString(address);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
