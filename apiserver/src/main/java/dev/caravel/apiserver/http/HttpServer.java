package dev.caravel.apiserver.http;

import dev.caravel.apiserver.api.Status;
import dev.caravel.apiserver.api.StatusException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.AsciiString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The HTTP server: HTTP/1.1 and cleartext HTTP/2 (h2c, by prior knowledge or by Upgrade) on one
 * port. Netty's event loops only decode and write; each request runs the {@link RequestPipeline}
 * on its own virtual thread, so a handler may block (storage, a watch waiting for events)
 * without holding an event loop.
 *
 * <pre>
 *   socket ▶ HttpServerCodec ▶ (h2c upgrade | prior knowledge ▶ Http2FrameCodec ▶ one child channel per stream
 *          ▶ Http2StreamFrameToHttpObjectCodec) ▶ aggregator (3 MiB, else 413 Status) ▶ RequestDispatcher
 * </pre>
 *
 * <p>Errors: a {@link StatusException} is written as its Status; anything else is a bug, logged
 * with the request and answered 500 (Kubernetes' ErrorToAPIStatus).
 */
public final class HttpServer implements AutoCloseable {

    /** Kubernetes' limit on a request body (apiserver's MaxRequestBodyBytes), 3 MiB. */
    public static final int MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;

    private static final Logger log = LoggerFactory.getLogger("apiserver.http");

    /**
     * A connection's outbound buffer marks: a stream waits above the high one until the buffer
     * drains below the low one. A few list chunks, so the socket always has the next one queued;
     * small enough that a watcher that stops reading holds little.
     */
    static final int STREAM_LOW_WATER_BYTES = 512 * 1024;
    static final int STREAM_HIGH_WATER_BYTES = 1024 * 1024;

    private final RequestPipeline pipeline;
    private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(0, NioIoHandler.newFactory());
    private final ExecutorService handlers = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("apiserver-request-", 0).factory());
    private Channel serverChannel;

    public HttpServer(RequestPipeline pipeline) {
        this.pipeline = pipeline;
    }

    /** Binds and starts serving; returns the bound address (port 0 picks a free one). */
    public InetSocketAddress start(String host, int port) throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                // A large list goes out in chunks of 256 KiB: with Netty's default marks (32/64 KiB)
                // its thread would stop after every chunk until the chunk had all but left.
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(STREAM_LOW_WATER_BYTES, STREAM_HIGH_WATER_BYTES))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        configure(ch.pipeline());
                    }
                });
        serverChannel = bootstrap.bind(host, port).sync().channel();
        return (InetSocketAddress) serverChannel.localAddress();
    }

    private void configure(ChannelPipeline p) {
        p.addLast("writability", new WritabilityGate());
        HttpServerCodec codec = new HttpServerCodec();
        HttpServerUpgradeHandler.UpgradeCodecFactory upgrades = protocol ->
                AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
                        ? new Http2ServerUpgradeCodec(Http2FrameCodecBuilder.forServer().build(),
                        new Http2MultiplexHandler(streamInitializer()))
                        : null;
        HttpServerUpgradeHandler upgrade = new HttpServerUpgradeHandler(codec, upgrades, MAX_REQUEST_BODY_BYTES);
        ChannelHandler priorKnowledge = new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(Http2FrameCodecBuilder.forServer()
                        .initialSettings(Http2Settings.defaultSettings()).build());
                ch.pipeline().addLast(new Http2MultiplexHandler(streamInitializer()));
            }
        };
        p.addLast("h2c", new CleartextHttp2ServerUpgradeHandler(codec, upgrade, priorKnowledge));
        p.addLast("keep-alive", new HttpServerKeepAliveHandler());
        p.addLast("aggregator", new LimitedAggregator());
        p.addLast("dispatcher", new RequestDispatcher());
    }

    private ChannelInitializer<Channel> streamInitializer() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast("writability", new WritabilityGate());
                ch.pipeline().addLast("http2-to-http", new Http2StreamFrameToHttpObjectCodec(true));
                ch.pipeline().addLast("aggregator", new LimitedAggregator());
                ch.pipeline().addLast("dispatcher", new RequestDispatcher());
            }
        };
    }

    /** Stops accepting, lets running requests finish for a moment, then closes every connection. */
    @Override
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        handlers.shutdown();
        try {
            if (!handlers.awaitTermination(2, TimeUnit.SECONDS)) {
                handlers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** The aggregator, answering an oversized body with Kubernetes' 413 Status instead of Netty's bare one. */
    private static final class LimitedAggregator extends HttpObjectAggregator {
        LimitedAggregator() {
            super(MAX_REQUEST_BODY_BYTES);
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            Status status = StatusException.requestEntityTooLarge(MAX_REQUEST_BODY_BYTES).status();
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(status.code()), Unpooled.wrappedBuffer(status.toResponseBody()));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, ApiResponse.JSON);
            HttpUtil.setContentLength(response, response.content().readableBytes());
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Hands each aggregated request to a virtual thread and writes its answer back. Per channel. */
    private final class RequestDispatcher extends SimpleChannelInboundHandler<FullHttpRequest> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
            if ("websocket".equalsIgnoreCase(msg.headers().get(HttpHeaderNames.UPGRADE, ""))) {
                upgradeToWebSocket(ctx, msg);
                return;
            }
            ApiRequest request = toApiRequest(msg, ctx.channel());
            boolean keepAlive = HttpUtil.isKeepAlive(msg);
            boolean head = msg.method().name().equals("HEAD");
            handlers.execute(() -> respond(ctx, request, keepAlive, head));
        }

        private void respond(ChannelHandlerContext ctx, ApiRequest request, boolean keepAlive, boolean head) {
            ApiResponse response;
            try {
                response = pipeline.handle(request);
            } catch (Throwable e) {
                response = errorResponse(request, e);
            }
            if (response.streamer() != null) {
                stream(ctx, request, response);
                return;
            }
            FullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(response.code()),
                    head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(response.body()));
            copyHeaders(response, out);
            HttpUtil.setContentLength(out, response.body().length);
            HttpUtil.setKeepAlive(out, keepAlive);
            ctx.writeAndFlush(out);
        }

        private void stream(ChannelHandlerContext ctx, ApiRequest request, ApiResponse response) {
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(response.code()));
            copyHeaders(response, head);
            HttpUtil.setTransferEncodingChunked(head, true);
            ctx.writeAndFlush(head);
            Channel channel = ctx.channel();
            ResponseStream out = new ResponseStream() {
                @Override
                public boolean send(byte[] chunk) {
                    return sendContent(Unpooled.wrappedBuffer(chunk));
                }

                @Override
                public boolean send(List<byte[]> parts) {
                    // Wrapped, not copied: Netty's one copy into a direct buffer for the socket is the only one.
                    return sendContent(Unpooled.wrappedBuffer(parts.toArray(byte[][]::new)));
                }

                private boolean sendContent(ByteBuf content) {
                    if (!channel.isActive()) {
                        return false;
                    }
                    ctx.writeAndFlush(new DefaultHttpContent(content));
                    return awaitWritable(channel);
                }

                @Override
                public boolean isOpen() {
                    return channel.isActive();
                }

                @Override
                public void onClose(Runnable onClose) {
                    channel.closeFuture().addListener(f -> onClose.run());
                }
            };
            try {
                response.streamer().stream(out);
            } catch (InterruptedException e) {
                // The server is stopping: its streams end with it; not a failure of the stream.
                log.debug("apiserver.http: stream of {} ended by the server stopping", request);
                Thread.currentThread().interrupt();
            } catch (Throwable e) {
                log.error("apiserver.http: stream of {} failed", request, e);
            }
            if (channel.isActive()) {
                ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            }
        }

        /**
         * A watch over WebSocket (fabric8 watches this way): after the handshake every chunk of
         * the streamed answer is one text message, the JSON of one watch event, as Kubernetes
         * sends it. A non-streamed answer (an error Status) is sent as one message, then close.
         */
        private void upgradeToWebSocket(ChannelHandlerContext ctx, FullHttpRequest msg) {
            ApiRequest request = toApiRequest(msg, ctx.channel());
            WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(
                    "ws://" + msg.headers().get(HttpHeaderNames.HOST, "localhost") + msg.uri(),
                    "v4.channel.k8s.io,channel.k8s.io,base64.channel.k8s.io", false, MAX_REQUEST_BODY_BYTES)
                    .newHandshaker(msg);
            if (handshaker == null) {
                WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
                return;
            }
            Channel channel = ctx.channel();
            handshaker.handshake(channel, msg).addListener(f -> {
                if (!f.isSuccess()) {
                    channel.close();
                    return;
                }
                handlers.execute(() -> {
                    ApiResponse response;
                    try {
                        response = pipeline.handle(request);
                    } catch (Throwable e) {
                        response = errorResponse(request, e);
                    }
                    if (response.streamer() == null) {
                        channel.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(response.body())));
                    } else {
                        try {
                            response.streamer().stream(new ResponseStream() {
                                @Override
                                public boolean send(byte[] chunk) {
                                    if (!channel.isActive()) {
                                        return false;
                                    }
                                    // One frame per line: a chunk may carry several watch events, and a
                                    // WebSocket client reads one event per frame.
                                    int start = 0;
                                    for (int i = 0; i <= chunk.length; i++) {
                                        if (i == chunk.length || chunk[i] == '\n') {
                                            if (i > start) {
                                                channel.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(chunk, start, i - start)));
                                            }
                                            start = i + 1;
                                        }
                                    }
                                    channel.flush();
                                    return awaitWritable(channel);
                                }

                                @Override
                                public boolean isOpen() {
                                    return channel.isActive();
                                }

                                @Override
                                public void onClose(Runnable onClose) {
                                    channel.closeFuture().addListener(closed -> onClose.run());
                                }
                            });
                        } catch (InterruptedException e) {
                            // The server is stopping: its streams end with it; not a failure of the stream.
                            log.debug("apiserver.http: websocket stream of {} ended by the server stopping", request);
                            Thread.currentThread().interrupt();
                        } catch (Throwable e) {
                            log.error("apiserver.http: websocket stream of {} failed", request, e);
                        }
                    }
                    if (channel.isActive()) {
                        channel.writeAndFlush(new CloseWebSocketFrame()).addListener(ChannelFutureListener.CLOSE);
                    }
                });
            });
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("apiserver.http: connection {} failed", ctx.channel(), cause);
            ctx.close();
        }
    }

    /**
     * The Status answer for a failure; a failure that is not a StatusException is a bug and is
     * logged as one. Public for the stages that must still add to an error's answer (the audit
     * stage's Audit-Id header).
     */
    public static ApiResponse errorResponse(ApiRequest request, Throwable e) {
        Status status = StatusException.statusOf(e);
        if (!(e instanceof StatusException)) {
            log.error("apiserver.http: bug: {} failed with an unexpected error", request, e);
        } else if (status.code() >= 500) {
            log.warn("apiserver.http: {} answered {}: {}", request, status.code(), status.message(), e);
        }
        return ApiResponse.status(status);
    }

    private static void copyHeaders(ApiResponse response, HttpResponse out) {
        for (Map.Entry<String, List<String>> header : response.headers().entrySet()) {
            for (String value : header.getValue()) {
                out.headers().add(header.getKey(), value);
            }
        }
        if (!out.headers().contains(HttpHeaderNames.DATE)) {
            out.headers().set(HttpHeaderNames.DATE, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                    .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC)));
        }
        out.headers().set("Cache-Control", out.headers().contains("Cache-Control")
                ? out.headers().get("Cache-Control") : "no-cache, private");
    }

    private static ApiRequest toApiRequest(FullHttpRequest msg, Channel channel) {
        String uri = msg.uri();
        int q = uri.indexOf('?');
        String rawPath = q < 0 ? uri : uri.substring(0, q);
        String rawQuery = q < 0 ? "" : uri.substring(q + 1);
        String path = QueryStringDecoder.decodeComponent(rawPath);
        Map<String, String> headers = new LinkedHashMap<>();
        Map<String, List<String>> repeated = null;
        for (Map.Entry<String, String> h : msg.headers()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            String first = headers.putIfAbsent(name, h.getValue());
            if (first != null) {
                // Rare (Impersonate-Group, Warning...): only then is a second map built.
                if (repeated == null) {
                    repeated = new LinkedHashMap<>();
                }
                repeated.computeIfAbsent(name, n -> new java.util.ArrayList<>(List.of(first))).add(h.getValue());
            }
        }
        ByteBuf content = msg.content();
        byte[] body = ByteBufUtil.getBytes(content);
        ApiRequest request = ApiRequest.of(msg.method().name(), path, rawQuery, headers, body)
                .withRemoteAddress(remoteAddress(channel));
        return repeated == null ? request : request.withRepeatedHeaders(repeated);
    }

    /** The peer's IP literal; an HTTP/2 stream's channel has none of its own, its parent connection has. */
    private static String remoteAddress(Channel channel) {
        for (Channel c = channel; c != null; c = c.parent()) {
            if (c.remoteAddress() instanceof InetSocketAddress peer && peer.getAddress() != null) {
                return io.netty.util.NetUtil.toAddressString(peer.getAddress());
            }
        }
        return "";
    }

    /**
     * Flow control for streams: waits (on the stream's virtual thread) while the channel's outbound
     * buffer is above its high-water mark, so a client that does not read holds back its own stream
     * instead of growing the server's memory; the watch cache then sees that watcher fall behind and
     * ends it. False once the client has gone.
     *
     * <p>The wait ends on the channel's writability event ({@link WritabilityGate}), not on a poll:
     * a list of a gigabyte waits here once per chunk, and sleeping a poll's interval each time left
     * the socket idle for most of the list (200 MB/s where the copy alone runs at 2 GB/s).
     */
    static boolean awaitWritable(Channel channel) {
        if (channel.isWritable() || !channel.isActive()) {
            return channel.isActive();
        }
        WritabilityGate gate = channel.pipeline().get(WritabilityGate.class);
        long deadline = System.nanoTime() + STALLED_CLIENT_NANOS;
        while (channel.isActive() && !channel.isWritable()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                // A client that has read nothing for this long is gone in all but name.
                channel.close();
                return false;
            }
            try {
                if (gate == null) {
                    Thread.sleep(2);
                } else {
                    gate.awaitChange(channel, Math.min(left, GATE_RECHECK_NANOS));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return channel.isActive();
    }

    /** A bound on one wait at the gate, so that a missed event would cost a moment, not the stall timeout. */
    private static final long GATE_RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * Wakes the stream threads waiting in {@link #awaitWritable} when their channel's writability
     * changes or it closes. One per channel: the connection's for HTTP/1.1 and WebSocket, each
     * stream's own for HTTP/2 (a stream's writability follows its flow-control window).
     */
    static final class WritabilityGate extends ChannelInboundHandlerAdapter {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            signal();
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            signal();
            ctx.fireChannelInactive();
        }

        private void signal() {
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        /** Waits until the channel is writable or closed, or {@code nanos} pass; checked under the lock, so no event is missed. */
        void awaitChange(Channel channel, long nanos) throws InterruptedException {
            lock.lock();
            try {
                if (channel.isActive() && !channel.isWritable()) {
                    changed.awaitNanos(nanos);
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** How long a stream waits for a client that reads nothing before closing its connection. */
    private static final long STALLED_CLIENT_NANOS = TimeUnit.SECONDS.toNanos(60);
}
