package dev.verity.testkit.kube;

import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.vertx.ServerWebSocketHandler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The sandbox's HTTP and WebSocket server (Vert.x, as under the fabric8 mock web server, whose WebSocket adapter it
 * uses): serves {@code /sandbox/...} from {@link SandboxControl} and every other request from
 * {@link SandboxDispatcher}, after the {@link Faults} a request meets (drop, hang, latency, an injected status), and
 * records each request in the {@link RequestLog}. HTTP/1.1 only (no h2c), on the loopback interface.
 */
final class SandboxServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SandboxServer.class);
  private static final List<String> WEBSOCKET_SUB_PROTOCOLS = List.of("v1.channel.k8s.io", "v2.channel.k8s.io",
      "v3.channel.k8s.io", "v4.channel.k8s.io");

  private final Vertx vertx;
  private final HttpServer http;
  private final SandboxDispatcher dispatcher;
  private final SandboxControl control;
  private final Faults faults;
  private final RequestLog requestLog;

  SandboxServer(SandboxDispatcher dispatcher, Faults faults, RequestLog log, int port) {
    this.dispatcher = dispatcher;
    this.faults = faults;
    this.requestLog = log;
    this.control = new SandboxControl(faults, log);
    this.vertx = Vertx.vertx();
    HttpServerOptions options = new HttpServerOptions()
        .setHost(InetAddress.getLoopbackAddress().getHostAddress())
        .setPort(port)
        .setHttp2ClearTextEnabled(false)
        .setHandle100ContinueAutomatically(true)
        .setWebSocketSubProtocols(WEBSOCKET_SUB_PROTOCOLS);
    this.http = vertx.createHttpServer(options).requestHandler(this::handle);
    try {
      await(http.listen());
    } catch (RuntimeException e) {
      await(vertx.close());
      throw new IllegalStateException("KubeSandbox could not listen on 127.0.0.1:" + port
          + (port == 0 ? "" : " (is the port in use? pass 0 for a free one)"), e);
    }
  }

  int port() {
    return http.actualPort();
  }

  private void handle(HttpServerRequest request) {
    Instant arrived = Instant.now();
    long started = System.nanoTime();
    String uri = request.uri();
    int question = uri.indexOf('?');
    String path = question < 0 ? uri : uri.substring(0, question);
    String rawQuery = question < 0 ? "" : uri.substring(question + 1);
    if (path.equals("/sandbox") || path.startsWith("/sandbox/")) {
      request.body().onSuccess(body -> {
        SandboxControl.Answer answer = control.handle(request.method().name(), path, SandboxDispatcher.parseQuery(rawQuery),
            body == null ? "" : body.toString());
        request.response().setStatusCode(answer.code()).putHeader("Content-Type", "application/json")
            .end(Json.write(answer.body()));
      });
      return;
    }
    RequestInfo info = RequestInfo.of(request.method().name(), path, SandboxDispatcher.parseQuery(rawQuery));
    Fault fault = faults.take(info).orElse(null);
    Exchange exchange = new Exchange(request, info, path, rawQuery, arrived, started, fault);
    if (fault instanceof Fault.Drop) {
      exchange.log(0);
      request.connection().close();
      return;
    }
    long delay = faults.latency().toMillis() + (fault instanceof Fault.Hang hang ? hang.duration().toMillis() : 0);
    if (delay <= 0) {
      exchange.serve();
      return;
    }
    request.pause();
    vertx.setTimer(delay, timer -> {
      if (request.response().closed()) {
        exchange.log(0);
        return;
      }
      exchange.serve();
    });
  }

  /** One request on its way through faults, the dispatcher and the log. */
  private final class Exchange {
    private final HttpServerRequest request;
    private final RequestInfo info;
    private final String path;
    private final String rawQuery;
    private final Instant arrived;
    private final long started;
    private final Fault fault;

    Exchange(HttpServerRequest request, RequestInfo info, String path, String rawQuery, Instant arrived, long started,
        Fault fault) {
      this.request = request;
      this.info = info;
      this.path = path;
      this.rawQuery = rawQuery;
      this.arrived = arrived;
      this.started = started;
      this.fault = fault;
    }

    void serve() {
      if (isWebSocketUpgrade(request)) {
        // a WebSocket upgrade must happen before the (empty) request is read to its end
        RecordedRequest recorded = recorded(null);
        MockResponse response = respond(recorded);
        if (response.getWebSocketListener() != null) {
          request.toWebSocket()
              .onSuccess(new ServerWebSocketHandler(recorded, response))
              .onFailure(this::failed);
          log(101);
          return;
        }
        request.resume();
        send(response);
        return;
      }
      Future<Buffer> body = request.body();
      request.resume();
      body.onFailure(this::failed).onSuccess(buffer -> send(respond(recorded(buffer))));
    }

    private RecordedRequest recorded(Buffer body) {
      return new RecordedRequest(request.version().alpnName().toUpperCase(Locale.ROOT), HttpMethod.fromVertx(request.method()),
          request.uri(), Headers.builder().addAll(request.headers()).build(),
          new io.fabric8.mockwebserver.http.Buffer(body == null ? null : body.getBytes()));
    }

    private MockResponse respond(RecordedRequest recorded) {
      if (fault instanceof Fault.Status status) {
        MockResponse response = new MockResponse().setResponseCode(status.code()).setHeader("Content-Type", "application/json")
            .setBody(Json.write(Faults.statusBody(status, info)));
        if (status.retryAfterSeconds() > 0) {
          response.setHeader("Retry-After", String.valueOf(status.retryAfterSeconds()));
        }
        return response;
      }
      return dispatcher.dispatch(recorded);
    }

    private void send(MockResponse response) {
      if (response.getWebSocketListener() instanceof WatchSession watch) {
        stream(watch);
        return;
      }
      HttpServerResponse out = request.response();
      out.setStatusCode(response.code());
      response.getHeaders().toMultimap().forEach((name, values) -> out.headers().add(name, values));
      byte[] bytes = response.getBody() == null ? new byte[0] : response.getBody().getBytes();
      Duration bodyDelay = response.getBodyDelay();
      Runnable end = () -> {
        log(response.code());
        out.end(Buffer.buffer(bytes));
      };
      if (bodyDelay != null && !bodyDelay.isZero()) {
        vertx.setTimer(bodyDelay.toMillis(), timer -> end.run());
      } else {
        end.run();
      }
    }

    /**
     * A watch over plain HTTP, as kubectl and client-go open them: a chunked 200 that stays open, one JSON event per
     * line as each change happens, ended cleanly at the watch's timeout; BOOKMARKs at most a minute apart (and one 2 s
     * before the timeout, as the API server's watch cache schedules them) when asked for.
     */
    private void stream(WatchSession watch) {
      HttpServerResponse out = request.response();
      out.setStatusCode(200).setChunked(true).putHeader("Content-Type", "application/json")
          .putHeader("Cache-Control", "no-cache, private");
      log(200);
      HttpWatchSink sink = new HttpWatchSink(out);
      List<Long> timers = new java.util.concurrent.CopyOnWriteArrayList<>();
      Runnable stop = () -> {
        timers.forEach(vertx::cancelTimer);
        dispatcher.store().unwatch(watch);
      };
      sink.onEnd(stop);
      out.closeHandler(closed -> sink.end());
      out.exceptionHandler(error -> sink.end());
      out.writeHead();
      Duration timeout = watch.options().timeout();
      if (timeout != null) {
        timers.add(vertx.setTimer(Math.max(1, timeout.toMillis()), t -> sink.close("timeout")));
      }
      if (watch.options().bookmarks()) {
        long beforeEnd = timeout == null ? Long.MAX_VALUE : timeout.toMillis() - 2_000;
        long first = Math.max(1, Math.min(BOOKMARK_EVERY.toMillis(), beforeEnd));
        timers.add(vertx.setTimer(first, t -> dispatcher.store().bookmarkSoon(watch)));
        timers.add(vertx.setPeriodic(BOOKMARK_EVERY.toMillis(), t -> dispatcher.store().bookmarkSoon(watch)));
      }
      watch.open(sink);
    }

    private void failed(Throwable error) {
      LOG.warn("KubeSandbox could not answer {} {}", request.method(), request.uri(), error);
      if (!request.response().headWritten() && !request.response().closed()) {
        request.response().setStatusCode(500).end();
      }
      log(500);
    }

    void log(int code) {
      String faultText = fault == null ? null : describe(fault);
      requestLog.add(new LoggedRequest(arrived, request.method().name(), path, rawQuery, info.verb(), info.group(),
          info.resource(), info.subresource(), info.namespace(), info.name(), code,
          Duration.ofNanos(System.nanoTime() - started), faultText, request.getHeader("User-Agent")));
    }
  }

  /** How often an open HTTP watch that allows bookmarks gets one (the API server's watch cache: about a minute). */
  private static final Duration BOOKMARK_EVERY = Duration.ofMinutes(1);

  /** An HTTP watch's response: events written as chunks, ended once (by the timeout, the server or the client going away). */
  private static final class HttpWatchSink implements WatchSession.Sink {
    private final HttpServerResponse out;
    private final java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile Runnable onEnd = () -> { };

    HttpWatchSink(HttpServerResponse out) {
      this.out = out;
    }

    void onEnd(Runnable action) {
      this.onEnd = action;
    }

    @Override
    public synchronized void send(String event) {
      if (!ended.get()) {
        out.write(event + "\n");
      }
    }

    @Override
    public void close(String reason) {
      if (!ended.compareAndSet(false, true)) {
        return;
      }
      synchronized (this) {
        if (!out.ended() && !out.closed()) {
          out.end();
        }
      }
      onEnd.run(); // outside the monitor: it takes the store's lock, which the fan-out holds while it sends
    }

    /** The client went away: stop watching. */
    void end() {
      if (ended.compareAndSet(false, true)) {
        onEnd.run();
      }
    }
  }

  private static String describe(Fault fault) {
    if (fault instanceof Fault.Status status) {
      return "status " + status.code() + (status.retryAfterSeconds() > 0 ? " retry-after " + status.retryAfterSeconds() + "s" : "");
    }
    if (fault instanceof Fault.Hang hang) {
      return "hang " + hang.duration().toMillis() + "ms";
    }
    return "drop";
  }

  private static boolean isWebSocketUpgrade(HttpServerRequest request) {
    String upgrade = request.getHeader("Upgrade");
    return upgrade != null && upgrade.toLowerCase(Locale.ROOT).contains("websocket");
  }

  @Override
  public void close() {
    try {
      await(http.close());
    } catch (RuntimeException e) {
      LOG.debug("KubeSandbox: closing the HTTP server failed", e);
    } finally {
      await(vertx.close());
    }
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the KubeSandbox server", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the KubeSandbox server did not " + (e instanceof TimeoutException ? "answer in 10 s" : "start or stop")
          + ": " + e.getMessage(), e);
    }
  }
}
