package dev.caravel.apiserver.informer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TCP proxy on a loopback port that forwards bytes to the API server and can cut every live
 * connection at once, as a load balancer or a network fault does to an informer's watch.
 *
 * <p>It also counts the list requests that pass through it (request lines of GETs on the
 * watched resource that are not plain watches), so a test knows whether an informer relisted:
 * an informer that resumes its watch from the last resourceVersion never lists again, and then
 * must have seen every version. It reads only the client-to-server direction and only request
 * lines, which is enough because an informer's connections carry GETs without bodies (and a
 * WebSocket watch's client frames are masked, so they do not look like request lines).
 */
final class CuttingProxy implements AutoCloseable {

    private static final Pattern REQUEST_LINE = Pattern.compile("GET (\\S+) HTTP/1\\.1\r\n");

    private final InetSocketAddress target;
    private final String listedPath;
    private final ServerSocket listener;
    private final Set<Socket> live = ConcurrentHashMap.newKeySet();
    private final AtomicInteger lists = new AtomicInteger();
    private final AtomicInteger cuts = new AtomicInteger();
    private volatile boolean closed;

    /**
     * @param target     the server's address
     * @param listedPath the collection path whose lists are counted, e.g. {@code /api/v1/namespaces/x/configmaps}
     */
    CuttingProxy(InetSocketAddress target, String listedPath) throws IOException {
        this.target = target;
        this.listedPath = listedPath;
        this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("cutting-proxy-accept").start(this::acceptLoop);
    }

    /** The URL clients use instead of the server's. */
    String url() {
        return "http://127.0.0.1:" + listener.getLocalPort();
    }

    /** Closes every connection open now; new connections are accepted as before. */
    void cutAll() {
        cuts.incrementAndGet();
        for (Socket socket : live) {
            closeQuietly(socket);
        }
    }

    /** Lists of {@code listedPath} seen so far, streaming lists (sendInitialEvents=true watches) included. */
    int lists() {
        return lists.get();
    }

    int cuts() {
        return cuts.get();
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        cutAll();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            Socket server = new Socket();
            try {
                server.connect(target);
            } catch (IOException e) {
                closeQuietly(client);
                continue;
            }
            live.add(client);
            live.add(server);
            Thread.ofVirtual().start(() -> pump(client, server, true));
            Thread.ofVirtual().start(() -> pump(server, client, false));
        }
    }

    /** Copies bytes one way until either side closes, then closes both. */
    private void pump(Socket from, Socket to, boolean fromClient) {
        byte[] buffer = new byte[16 * 1024];
        // The tail of the previous read, so a request line split across reads is still seen.
        String carry = "";
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (fromClient) {
                    String text = carry + new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
                    countLists(text);
                    int lastLineEnd = text.lastIndexOf("\r\n");
                    carry = lastLineEnd < 0 ? tail(text) : tail(text.substring(lastLineEnd + 2));
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // cut, or the peer went away: either way this connection is over
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            live.remove(from);
            live.remove(to);
        }
    }

    private void countLists(String text) {
        Matcher m = REQUEST_LINE.matcher(text);
        while (m.find()) {
            String uri = m.group(1);
            int query = uri.indexOf('?');
            String path = query < 0 ? uri : uri.substring(0, query);
            String parameters = query < 0 ? "" : uri.substring(query + 1);
            boolean watch = parameters.contains("watch=true") || parameters.contains("watch=1");
            if (path.equals(listedPath) && (!watch || parameters.contains("sendInitialEvents=true"))) {
                lists.incrementAndGet();
            }
        }
    }

    private static String tail(String s) {
        return s.length() <= 4096 ? s : s.substring(s.length() - 4096);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // already closed
        }
    }
}
