package io.warren.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.BlockedListener;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.warren.node.it.support.Broker;
import io.warren.node.it.support.BrokerControl;
import io.warren.node.it.support.Inbox;
import io.warren.node.it.support.Waits;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * connection.blocked / unblocked around a memory alarm. The alarm is raised by moving the
 * memory high watermark below current use, as an operator would, and cleared by moving it back.
 */
class FlowControlTest {
  @RegisterExtension static final Broker broker = Broker.standard();

  private boolean alarmRaised;

  @AfterEach
  void clearAlarm() {
    if (alarmRaised) {
      broker.control().setMemoryHighWatermark(BrokerControl.DEFAULT_MEMORY_HIGH_WATERMARK);
    }
  }

  @Test
  void publisherIsBlockedDuringAMemoryAlarmWhileConsumersKeepDraining() throws Exception {
    Connection publisherConnection = broker.connect();
    List<String> notifications = new CopyOnWriteArrayList<>();
    publisherConnection.addBlockedListener(new BlockedListener() {
      @Override
      public void handleBlocked(String reason) {
        notifications.add("blocked: " + reason);
      }

      @Override
      public void handleUnblocked() {
        notifications.add("unblocked");
      }
    });
    Channel publisher = publisherConnection.createChannel();
    String queue = broker.queueName();
    publisher.queueDeclare(queue, false, false, false, null);
    publisher.confirmSelect();
    for (int i = 0; i < 5; i++) {
      publisher.basicPublish("", queue, null, Inbox.bytes("before" + i));
    }
    publisher.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());

    raiseMemoryAlarm();
    // a publish is what turns "blocking" into "blocked" for a connection
    publisher.basicPublish("", queue, null, Inbox.bytes("during"));
    Waits.await().until(() -> !notifications.isEmpty());
    assertThat(notifications.get(0)).startsWith("blocked: ").containsIgnoringCase("memory");

    Channel consumer = broker.channel(); // a separate connection that never publishes
    Inbox inbox = Inbox.consume(consumer, queue, true);
    assertThat(inbox.nextBodies(5)).containsExactly("before0", "before1", "before2", "before3", "before4");

    clearMemoryAlarm();
    Waits.await().until(() -> notifications.contains("unblocked"));
    assertThat(inbox.nextBodies(1)).as("the publish held during the alarm goes through").containsExactly("during");
    assertThat(notifications).containsExactly(notifications.get(0), "unblocked");
    publisher.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());
  }

  private void raiseMemoryAlarm() {
    alarmRaised = true;
    broker.control().setMemoryHighWatermark(0.0000001);
  }

  private void clearMemoryAlarm() {
    broker.control().setMemoryHighWatermark(BrokerControl.DEFAULT_MEMORY_HIGH_WATERMARK);
    alarmRaised = false;
  }
}
