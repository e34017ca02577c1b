package io.warren.node.management;

import io.warren.model.Command;
import io.warren.model.Message;
import io.warren.model.MessageBody;
import io.warren.model.QueueName;
import io.warren.model.Reply;
import io.warren.model.Arguments;
import io.warren.node.broker.MemoryAlarm;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** {@code /api/health/checks/alarms} and {@code /api/aliveness-test/{vhost}}, as RabbitMQ answers them. */
final class HealthApi {
  static final String ALIVENESS_QUEUE = "aliveness-test";
  private static final byte[] TEST_MESSAGE = "test_message".getBytes(StandardCharsets.UTF_8);
  /** Empty basic properties: flags word 0. */
  private static final byte[] NO_PROPERTIES = new byte[2];

  private final BrokerAccess broker;
  private final QueueGetter getter;
  private final MemoryAlarm memoryAlarm;
  private final String node;

  HealthApi(BrokerAccess broker, QueueGetter getter, MemoryAlarm memoryAlarm, String node) {
    this.broker = broker;
    this.getter = getter;
    this.memoryAlarm = memoryAlarm;
    this.node = node;
  }

  void register(Routes routes) {
    routes.get("health/checks/alarms", r -> alarms())
        .get("health/checks/local-alarms", r -> alarms())
        .get("aliveness-test/{vhost}", r -> aliveness(r.param("vhost")));
  }

  private ApiResponse alarms() {
    if (!memoryAlarm.raised()) {
      return ApiResponse.ok(Json.obj("status", "ok"));
    }
    return new ApiResponse(503, Json.obj("status", "failed", "reason", "resource alarm(s) in effect in the cluster",
        "alarms", List.of(Json.obj("node", node, "resource", "memory"))), Map.of());
  }

  /** Declares a queue, publishes a message to it and gets it back, as RabbitMQ's check does. */
  private ApiResponse aliveness(String vhost) {
    broker.topology().vhostOrNotFound(vhost);
    QueueName queue = new QueueName(vhost, ALIVENESS_QUEUE);
    Replies.check(broker.submit(new Command.DeclareQueue(queue, false, false, false, false, Arguments.EMPTY, 0, false)));
    Message message = new Message("", ALIVENESS_QUEUE, NO_PROPERTIES, MessageBody.of(TEST_MESSAGE), Arguments.EMPTY,
        false);
    Replies.check(broker.submit(new Command.Publish(vhost, message)));
    List<Reply.GetOk> got = getter.get(queue, 1, QueueGetter.AckMode.ACK_REQUEUE_FALSE);
    if (got.size() == 1 && Arrays.equals(got.get(0).message().body().bytes(), TEST_MESSAGE)) {
      return ApiResponse.ok(Json.obj("status", "ok"));
    }
    return new ApiResponse(503, Json.obj("status", "failed", "reason", "the test message did not come back"),
        Map.of());
  }
}
