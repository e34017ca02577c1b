package io.warren.node.cluster;

import com.rabbitmq.client.*;
import java.nio.file.Path;
import java.util.*;
import java.util.concurrent.*;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TmpLatencyProbe {
  @TempDir Path tmp;

  @Test
  void probe() throws Exception {
    try (InProcessCluster cluster = new InProcessCluster(tmp, List.of("n1", "n2", "n3")).start()) {
      Channel decl = cluster.connect("n1").createChannel();
      decl.queueDeclare("probe", true, false, false, null);
      Thread.sleep(1000);
      for (String via : List.of("n1", "n2", "n3", "n1", "n2", "n3")) {
        String queue = "probe";
        Channel pub = cluster.connect(via).createChannel();
        pub.queueDeclare(queue, true, false, false, null);
        Channel con = cluster.connect(via).createChannel();
        BlockingQueue<Long> arrivals = new LinkedBlockingQueue<>();
        con.basicQos(200);
        con.basicConsume(queue, false, (tag, d) -> {
          arrivals.add(System.nanoTime());
          con.basicAck(d.getEnvelope().getDeliveryTag(), false);
        }, tag -> {});
        pub.confirmSelect();
        List<Long> confirm = new ArrayList<>();
        List<Long> e2e = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
          long t0 = System.nanoTime();
          pub.basicPublish("", queue, MessageProperties.PERSISTENT_BASIC, new byte[1024]);
          pub.waitForConfirmsOrDie(10_000);
          long t1 = System.nanoTime();
          long t2 = arrivals.poll(10, TimeUnit.SECONDS);
          confirm.add((t1 - t0) / 1000);
          e2e.add((t2 - t0) / 1000);
          Thread.sleep(2);
        }
        Collections.sort(confirm);
        Collections.sort(e2e);
        con.getConnection().close();
        System.out.printf("PROBE via %s leaders=%s confirm p50=%d p90=%d p99=%d us; e2e p50=%d p90=%d p99=%d us%n",
            via, cluster.node("n1").leaders(), confirm.get(150), confirm.get(270), confirm.get(297), e2e.get(150), e2e.get(270), e2e.get(297));
      }
    }
  }
}
