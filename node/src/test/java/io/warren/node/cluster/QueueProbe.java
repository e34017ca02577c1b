package io.warren.node.cluster;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/** Whether a queue exists as a client of one node sees it: a passive declare on a new channel. */
final class QueueProbe {
  private QueueProbe() {}

  static boolean exists(Connection connection, String queue) throws IOException {
    Channel ch = connection.createChannel();
    try {
      ch.queueDeclarePassive(queue);
      ch.close();
      return true;
    } catch (IOException e) {
      return false; // 404 closed the channel
    } catch (TimeoutException e) {
      throw new IOException(e);
    }
  }
}
