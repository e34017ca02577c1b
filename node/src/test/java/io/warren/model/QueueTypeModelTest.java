package io.warren.model;

import static io.warren.model.ModelDriver.q;
import static org.assertj.core.api.Assertions.assertThat;

import io.warren.model.Command.DeclareQueue;
import io.warren.protocol.ReplyCode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** x-queue-type and x-queue-mode at queue.declare, with the texts RabbitMQ 3.10.8 answers. */
class QueueTypeModelTest {
  private final ModelDriver d = new ModelDriver();

  private static DeclareQueue declare(String name, boolean durable, boolean exclusive, boolean autoDelete,
      Object... args) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      m.put((String) args[i], args[i + 1]);
    }
    return new DeclareQueue(q(name), false, durable, exclusive, autoDelete, Arguments.of(m), 1, false);
  }

  private String refused(DeclareQueue c) {
    Reply.Failure f = d.fail(c);
    assertThat(f.code()).isEqualTo(ReplyCode.PRECONDITION_FAILED);
    return f.text();
  }

  @Test
  void classicAndQuorumAreAccepted() {
    d.ok(declare("c", true, false, false, "x-queue-type", "classic"));
    d.ok(declare("t", false, true, true, "x-queue-type", "classic"));
    d.ok(declare("q", true, false, false, "x-queue-type", "quorum"));
    d.ok(declare("b", true, false, false, "x-queue-type", new Arguments.Bytes("quorum".getBytes())));
  }

  @Test
  void otherTypesAreRefused() {
    assertThat(refused(declare("s", true, false, false, "x-queue-type", "stream")))
        .isEqualTo("invalid arg 'x-queue-type' for queue 's' in vhost '/': \"unsupported queue type 'stream'\"");
    assertThat(refused(declare("b", false, false, false, "x-queue-type", "Classic")))
        .isEqualTo("invalid arg 'x-queue-type' for queue 'b' in vhost '/': \"unsupported queue type 'Classic'\"");
    assertThat(refused(declare("i", true, false, false, "x-queue-type", 1)))
        .isEqualTo("invalid arg 'x-queue-type' for queue 'i' in vhost '/': {unacceptable_type,signedint}");
    assertThat(refused(declare("o", true, false, false, "x-queue-type", "bogus", "x-message-ttl", "x")))
        .as("the type is checked first").contains("unsupported queue type 'bogus'");
    assertThat(d.broker.queue(q("s"))).isEmpty();
  }

  @Test
  void aQuorumQueueMustBeDurableSharedAndKept() {
    assertThat(refused(declare("q1", false, false, false, "x-queue-type", "quorum")))
        .isEqualTo("invalid property 'non-durable' for queue 'q1' in vhost '/'");
    assertThat(refused(declare("q2", true, true, false, "x-queue-type", "quorum")))
        .isEqualTo("invalid property 'exclusive-owner' for queue 'q2' in vhost '/'");
    assertThat(refused(declare("q3", false, true, false, "x-queue-type", "quorum")))
        .isEqualTo("invalid property 'exclusive-owner' for queue 'q3' in vhost '/'");
    assertThat(refused(declare("q4", true, false, true, "x-queue-type", "quorum")))
        .isEqualTo("invalid property 'auto-delete' for queue 'q4' in vhost '/'");
    assertThat(refused(new DeclareQueue(q("amq.gen-1"), false, true, false, false,
        Arguments.of("x-queue-type", "quorum"), 1, true)))
        .isEqualTo("Cannot declare a server-named queue for type rabbit_quorum_queue");
  }

  @Test
  void aQuorumQueueRefusesClassicOnlyArguments() {
    assertThat(refused(declare("q", true, false, false, "x-queue-type", "quorum", "x-max-priority", 5)))
        .isEqualTo("invalid arg 'x-max-priority' for queue 'q' in vhost '/' of queue type rabbit_quorum_queue");
    assertThat(refused(declare("q", false, false, false, "x-queue-type", "quorum", "x-queue-mode", "lazy")))
        .as("before the properties").isEqualTo(
            "invalid arg 'x-queue-mode' for queue 'q' in vhost '/' of queue type rabbit_quorum_queue");
    d.ok(declare("q", true, false, false, "x-queue-type", "quorum", "x-overflow", "reject-publish-dlx",
        "x-delivery-limit", 3, "x-single-active-consumer", true));
  }

  @Test
  void redeclaringComparesTheTypeWithNoneMeaningClassic() {
    d.ok(declare("q", true, false, false, "x-queue-type", "quorum"));
    assertThat(refused(declare("q", true, false, false, "x-queue-type", "classic"))).isEqualTo(
        "inequivalent arg 'x-queue-type' for queue 'q' in vhost '/': received 'classic' but current is 'quorum'");
    assertThat(refused(declare("q", true, false, false))).isEqualTo("inequivalent arg 'x-queue-type' for queue 'q'"
        + " in vhost '/': received none but current is the value 'quorum' of type 'longstr'");
    d.ok(declare("q", true, false, false, "x-queue-type", "quorum"));
    assertThat(refused(declare("q", false, false, false, "x-queue-type", "quorum")))
        .as("an existing queue is compared, not checked as new").isEqualTo(
            "inequivalent arg 'durable' for queue 'q' in vhost '/': received 'false' but current is 'true'");

    d.ok(declare("c", true, false, false));
    d.ok(declare("c", true, false, false, "x-queue-type", "classic"));
    assertThat(refused(declare("c", true, false, false, "x-queue-type", "quorum"))).isEqualTo(
        "inequivalent arg 'x-queue-type' for queue 'c' in vhost '/': received the value 'quorum' of type 'longstr'"
            + " but current is none");
    d.ok(declare("c2", true, false, false, "x-queue-type", "classic"));
    d.ok(declare("c2", true, false, false));
  }

  @Test
  void queueModeIsCheckedAndCompared() {
    d.ok(declare("l", true, false, false, "x-queue-mode", "lazy"));
    d.ok(declare("m", true, false, false, "x-queue-mode", "default"));
    assertThat(refused(declare("l", true, false, false, "x-queue-mode", "default"))).isEqualTo(
        "inequivalent arg 'x-queue-mode' for queue 'l' in vhost '/': received 'default' but current is 'lazy'");
    assertThat(refused(declare("l", true, false, false))).isEqualTo("inequivalent arg 'x-queue-mode' for queue 'l'"
        + " in vhost '/': received none but current is the value 'lazy' of type 'longstr'");
    assertThat(refused(declare("b", true, false, false, "x-queue-mode", "Lazy")))
        .isEqualTo("invalid arg 'x-queue-mode' for queue 'b' in vhost '/': \"unsupported queue mode 'Lazy'\"");
    assertThat(refused(declare("b", true, false, false, "x-queue-mode", 1)))
        .isEqualTo("invalid arg 'x-queue-mode' for queue 'b' in vhost '/': {unacceptable_type,signedint}");
  }
}
