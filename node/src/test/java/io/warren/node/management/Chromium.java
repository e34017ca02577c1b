package io.warren.node.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A headless Chromium (Debian's {@code chromium}) driven over the DevTools protocol with the JDK's
 * WebSocket client: navigate, evaluate JavaScript in the page, take a screenshot. Enough for a
 * browser test without Selenium.
 */
final class Chromium implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Process process;
  private final Path profile;
  private final URI devtools;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private Chromium(Process process, Path profile, URI devtools) {
    this.process = process;
    this.profile = profile;
    this.devtools = devtools;
  }

  /** The chromium binary on this machine, if there is one. */
  static Optional<Path> binary() {
    for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
      for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }

  static Chromium launch(Path binary) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory("warren-chromium-");
    List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
        "--remote-debugging-port=0", "--remote-allow-origins=*", "--window-size=1280,900",
        "--user-data-dir=" + profile, "about:blank"));
    Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    CompletableFuture<URI> listening = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(),
          StandardCharsets.UTF_8))) {
        String line;
        while ((line = err.readLine()) != null) {
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            listening.complete(URI.create(m.group(1)));
          }
        }
      } catch (IOException e) {
        listening.completeExceptionally(e);
      }
      listening.completeExceptionally(new IllegalStateException("chromium exited without a DevTools endpoint"));
    }, "chromium-stderr");
    reader.setDaemon(true);
    reader.start();
    try {
      URI ws = listening.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      return new Chromium(process, profile, URI.create("http://" + ws.getHost() + ":" + ws.getPort()));
    } catch (Exception e) {
      process.destroyForcibly();
      throw new IllegalStateException("chromium did not start", e);
    }
  }

  /** The browser's first tab. */
  Page page() throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(devtools.resolve("/json/list")).build(),
        HttpResponse.BodyHandlers.ofString());
    for (JsonNode target : MAPPER.readTree(r.body())) {
      if (target.path("type").asText().equals("page")) {
        return Page.connect(http, URI.create(target.path("webSocketDebuggerUrl").asText()));
      }
    }
    throw new IllegalStateException("no page target in " + r.body());
  }

  @Override
  public void close() throws IOException {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(profile)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** One tab, spoken to over its DevTools WebSocket: commands by id, answers matched by id. */
  static final class Page implements WebSocket.Listener, AutoCloseable {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;

    static Page connect(HttpClient http, URI ws) {
      Page page = new Page();
      page.socket = http.newWebSocketBuilder().buildAsync(ws, page).join();
      return page;
    }

    /** Sends a DevTools command and waits for its result. */
    JsonNode send(String method, Map<String, Object> params) {
      long id = ids.incrementAndGet();
      CompletableFuture<JsonNode> answer = new CompletableFuture<>();
      pending.put(id, answer);
      try {
        String text = MAPPER.writeValueAsString(Map.of("id", id, "method", method, "params", params));
        synchronized (this) {
          socket.sendText(text, true).join();
        }
        JsonNode reply = answer.get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (reply.has("error")) {
          throw new IllegalStateException(method + " failed: " + reply.get("error"));
        }
        return reply.path("result");
      } catch (Exception e) {
        throw e instanceof RuntimeException r ? r : new IllegalStateException(method + " failed", e);
      } finally {
        pending.remove(id);
      }
    }

    void navigate(String url) {
      send("Page.navigate", Map.of("url", url));
    }

    /** Evaluates a JavaScript expression in the page (awaiting a promise) and returns its value. */
    JsonNode evaluate(String expression) {
      JsonNode r = send("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true,
          "awaitPromise", true));
      if (r.has("exceptionDetails")) {
        throw new IllegalStateException("JavaScript failed: " + r.get("exceptionDetails"));
      }
      return r.path("result").path("value");
    }

    /** The text of the first element matching a CSS selector, or null when there is none. */
    String text(String selector) {
      JsonNode v = evaluate("(() => { const e = document.querySelector(" + quote(selector)
          + "); return e ? e.textContent.trim() : null; })()");
      return v.isNull() || v.isMissingNode() ? null : v.asText();
    }

    void screenshot(Path file) throws IOException {
      JsonNode r = send("Page.captureScreenshot", Map.of("format", "png"));
      Files.write(file, Base64.getDecoder().decode(r.path("data").asText()));
    }

    static String quote(String s) {
      try {
        return MAPPER.writeValueAsString(s);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String message = partial.toString();
        partial.setLength(0);
        try {
          JsonNode json = MAPPER.readTree(message);
          CompletableFuture<JsonNode> waiter = json.has("id") ? pending.get(json.get("id").asLong()) : null;
          if (waiter != null) {
            waiter.complete(json);
          }
        } catch (IOException e) {
          // not JSON: ignore
        }
      }
      ws.request(1);
      return null;
    }

    @Override
    public void close() {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }
  }
}
