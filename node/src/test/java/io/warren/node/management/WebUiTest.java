package io.warren.node.management;

import static io.warren.node.it.support.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import io.warren.node.it.support.Broker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The web UI in a real browser: headless Chromium loads the page from the node, logs in through
 * its form, and the test reads what the page shows while AMQP clients change the broker. Skipped
 * only when no {@code chromium} binary is installed. Screenshots land in {@code target/webui/}.
 */
class WebUiTest {
  @RegisterExtension static final Broker broker = Broker.standard();

  private static Chromium chromium;
  private static Chromium.Page page;
  private static String base;

  @BeforeAll
  static void browser() throws Exception {
    Optional<Path> binary = Chromium.binary();
    Assumptions.assumeTrue(binary.isPresent(), "no chromium binary on this machine");
    chromium = Chromium.launch(binary.get());
    page = chromium.page();
    base = ManagementHttp.baseOf(broker).toString();
  }

  @AfterAll
  static void closeBrowser() throws Exception {
    if (page != null) {
      page.close();
    }
    if (chromium != null) {
      chromium.close();
    }
  }

  /** Opens a page of the UI, logging in through the form when it asks. */
  private static void open(String hash) {
    page.navigate(base + "/" + hash);
    await().until(() -> "complete".equals(page.evaluate("document.readyState").asText())
        && (visible("#login") || visible("#page")));
    if (visible("#login")) {
      page.evaluate("document.querySelector('#login-user').value = " + Chromium.Page.quote(broker.username()));
      page.evaluate("document.querySelector('#login-pass').value = " + Chromium.Page.quote(broker.password()));
      page.evaluate("document.querySelector('#login-submit').click()");
      await().until(() -> visible("#page"));
      // Refresh every second, so the test sees changes soon.
      page.evaluate("(() => { const s = document.querySelector('#refresh'); s.value = '1000';"
          + " s.dispatchEvent(new Event('change')); })()");
    }
  }

  private static boolean visible(String selector) {
    return page.evaluate("(() => { const e = document.querySelector(" + Chromium.Page.quote(selector)
        + "); return !!e && !e.hidden; })()").asBoolean();
  }

  private static void screenshot(String name) throws Exception {
    Path dir = Path.of("target", "webui");
    Files.createDirectories(dir);
    page.screenshot(dir.resolve(name + ".png"));
  }

  private static String row(String queue) {
    return "#queues tr[data-vhost=\"/\"][data-name=" + Chromium.Page.quote(queue) + "]";
  }

  @Test
  void queuesPageListsAQueueMadeOverAmqpAndFollowsItsDepth() throws Exception {
    Channel ch = broker.channel();
    String queue = broker.queueName();
    ch.queueDeclare(queue, true, false, false, null);
    ch.confirmSelect();
    for (int i = 0; i < 2; i++) {
      ch.basicPublish("", queue, null, ("m" + i).getBytes(StandardCharsets.UTF_8));
    }
    ch.waitForConfirmsOrDie(10_000);

    open("#/queues");
    await().until(() -> "2".equals(page.text(row(queue) + " td.ready")));
    assertThat(page.text(row(queue) + " td.total")).isEqualTo("2");
    assertThat(page.text(row(queue) + " td a")).isEqualTo(queue);

    for (int i = 0; i < 3; i++) {
      ch.basicPublish("", queue, null, ("n" + i).getBytes(StandardCharsets.UTF_8));
    }
    ch.waitForConfirmsOrDie(10_000);
    await().until(() -> "5".equals(page.text(row(queue) + " td.ready")));
    screenshot("queues");

    // A consumer takes them: the depth moves to unacked, then back to nothing when acked.
    String tag = ch.basicConsume(queue, false, (t, d) -> { }, t -> { });
    await().until(() -> "5".equals(page.text(row(queue) + " td.unacked")) && "0".equals(page.text(row(queue)
        + " td.ready")));
    ch.basicCancel(tag);
    ch.basicRecover(true);
    ch.queuePurge(queue);
    await().until(() -> "0".equals(page.text(row(queue) + " td.total")));
  }

  @Test
  void queuePagePublishesAndGetsMessages() throws Exception {
    Channel ch = broker.channel();
    String queue = broker.queueName();
    ch.queueDeclare(queue, false, false, false, null);

    open("#/queues/%2F/" + ManagementHttp.enc(queue));
    await().until(() -> queue.equals(page.text("#queue-name")) && "0".equals(page.text("#queue-figures .ready .value")));

    page.evaluate("document.querySelector('#publish textarea[name=payload]').value = 'hello from the browser'");
    page.evaluate("document.querySelector('#publish button[type=submit]').click()");
    await().until(() -> "Message published".equals(page.text("#publish .result")));
    await().until(() -> "1".equals(page.text("#queue-figures .ready .value")));
    assertThat(ch.queueDeclarePassive(queue).getMessageCount()).isEqualTo(1);

    page.evaluate("document.querySelector('#get button[type=submit]').click()");
    await().until(() -> "hello from the browser".equals(page.text("#messages pre.payload")));
    screenshot("queue");
    // The default ack mode requeues: the message is still there, now redelivered.
    assertThat(ch.queueDeclarePassive(queue).getMessageCount()).isEqualTo(1);
    assertThat(ch.basicGet(queue, true).getEnvelope().isRedeliver()).isTrue();
  }

  @Test
  void overviewShowsCountsAndRates() throws Exception {
    Channel ch = broker.channel();
    String queue = broker.queueName();
    ch.queueDeclare(queue, false, false, false, null);
    ch.basicPublish("", queue, null, "x".getBytes(StandardCharsets.UTF_8));

    open("#/");
    await().until(() -> {
      String total = page.text("#queued .total .value");
      return total != null && Integer.parseInt(total.replace(",", "")) >= 1;
    });
    assertThat(page.text("#rates .publish .value")).endsWith("/s");
    assertThat(page.text("#node-name")).isNotEmpty();
    screenshot("overview");

    open("#/connections");
    await().until(() -> page.text("#connections tbody tr") != null);
    open("#/exchanges");
    await().until(() -> page.text("#exchanges tr[data-name=\"amq.topic\"]") != null);
  }
}
