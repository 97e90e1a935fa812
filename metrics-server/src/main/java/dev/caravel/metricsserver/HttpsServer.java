package dev.caravel.metricsserver;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * HTTPS/1.1 on Netty, for a handler of whole requests. Each connection takes its TLS context from
 * {@code sslContext} when it is accepted: a reloaded certificate is served to the next connection,
 * as Go's {@code tls.Config.GetCertificate} does for the real metrics-server. Netty's threads only
 * decode and write; requests run on virtual threads.
 *
 * <p>After a reload, {@link #closeConnectionsAfterTheirRequests} ends the connections opened before
 * it, each once its request in flight is answered: a client that checks us every few seconds over
 * one kept-alive connection (the aggregator's availability check) would otherwise never handshake
 * again, and never see that the certificate changed, or expired.
 */
final class HttpsServer implements AutoCloseable {

    private static final int MAX_REQUEST_BYTES = 1 << 20;

    private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
    private final Supplier<SslContext> sslContext;
    private final Function<MetricsRequest, MetricsResponse> handler;
    private final ChannelGroup connections = new DefaultChannelGroup("metrics-server-connections", GlobalEventExecutor.INSTANCE);
    private static final AttributeKey<AtomicInteger> IN_FLIGHT = AttributeKey.valueOf("metrics-server-in-flight");
    private static final AttributeKey<CompletableFuture<Void>> LAST_ANSWER = AttributeKey.valueOf("metrics-server-last-answer");
    private static final AttributeKey<Boolean> CLOSE_WHEN_IDLE = AttributeKey.valueOf("metrics-server-close-when-idle");
    private Channel channel;

    HttpsServer(Supplier<SslContext> sslContext, Function<MetricsRequest, MetricsResponse> handler) {
        this.sslContext = sslContext;
        this.handler = handler;
    }

    InetSocketAddress start(String host, int port) throws InterruptedException {
        RequestHandler requestHandler = new RequestHandler();
        channel = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.attr(IN_FLIGHT).set(new AtomicInteger());
                        ch.attr(LAST_ANSWER).set(CompletableFuture.completedFuture(null));
                        connections.add(ch);
                        ch.pipeline()
                                .addLast("tls", sslContext.get().newHandler(ch.alloc()))
                                .addLast("http", new HttpServerCodec())
                                .addLast("keep-alive", new HttpServerKeepAliveHandler())
                                .addLast("aggregate", new HttpObjectAggregator(MAX_REQUEST_BYTES))
                                .addLast("metrics-api", requestHandler);
                    }
                })
                .bind(host, port).sync().channel();
        return (InetSocketAddress) channel.localAddress();
    }

    /** Hands each request to the handler on a virtual thread; stateless, so one instance serves every connection. */
    @ChannelHandler.Sharable
    private final class RequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            MetricsRequest metricsRequest = MetricsRequest.of(request.method().name(), request.uri(),
                    request.headers().get(HttpHeaderNames.ACCEPT), request.headers().get("X-Remote-User"), clientName(ctx));
            boolean keepAlive = io.netty.handler.codec.http.HttpUtil.isKeepAlive(request);
            AtomicInteger inFlight = ctx.channel().attr(IN_FLIGHT).get();
            inFlight.incrementAndGet();
            // Answers in the order of the requests (HTTP/1.1 pipelining): each waits for the one before
            // on its connection. Set here, on the connection's event loop, so the chain has one writer.
            CompletableFuture<Void> previous = ctx.channel().attr(LAST_ANSWER).get();
            ctx.channel().attr(LAST_ANSWER).set(previous.thenRunAsync(() -> {
                MetricsResponse answer = handler.apply(metricsRequest);
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                        HttpResponseStatus.valueOf(answer.code()), Unpooled.wrappedBuffer(answer.body()));
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, answer.contentType())
                        .setInt(HttpHeaderNames.CONTENT_LENGTH, answer.body().length);
                boolean last = inFlight.decrementAndGet() == 0 && Boolean.TRUE.equals(ctx.channel().attr(CLOSE_WHEN_IDLE).get());
                io.netty.handler.codec.http.HttpUtil.setKeepAlive(response, keepAlive && !last);
                var written = ctx.writeAndFlush(response);
                if (!keepAlive || last) {
                    written.addListener(ChannelFutureListener.CLOSE);
                }
            }, requests));
        }

        /** The verified client certificate's common name, empty when the client presented none. */
        private static String clientName(ChannelHandlerContext ctx) {
            SslHandler tls = ctx.pipeline().get(SslHandler.class);
            try {
                java.security.cert.Certificate[] chain = tls.engine().getSession().getPeerCertificates();
                if (chain.length > 0 && chain[0] instanceof java.security.cert.X509Certificate certificate) {
                    for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                        if (rdn.getType().equalsIgnoreCase("CN")) {
                            return rdn.getValue().toString();
                        }
                    }
                }
            } catch (SSLPeerUnverifiedException | InvalidNameException none) {
                // no client certificate: not a front proxy
            }
            return "";
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A client that gives up on the handshake (an untrusted certificate) lands here: not the server's fault.
            org.slf4j.LoggerFactory.getLogger("metrics-server").debug("metrics-server: connection from {} failed: {}",
                    ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }

    /** Closes every open connection now if idle, else after the answer to its request in flight (or its first). */
    void closeConnectionsAfterTheirRequests() {
        for (Channel connection : connections) {
            connection.attr(CLOSE_WHEN_IDLE).set(true);
            // On the connection's event loop, where requests are read: none can arrive between the
            // check and the close. One in flight keeps the counter positive and its writer closes;
            // so does one still in its handshake, once its first answer is written.
            connection.eventLoop().execute(() -> {
                SslHandler tls = connection.pipeline().get(SslHandler.class);
                boolean handshaken = tls != null && tls.handshakeFuture().isDone();
                if (handshaken && connection.attr(IN_FLIGHT).get().get() == 0) {
                    connection.close();
                }
            });
        }
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        boss.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        requests.shutdownNow();
    }
}
