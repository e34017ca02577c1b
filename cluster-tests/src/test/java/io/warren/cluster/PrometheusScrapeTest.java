package io.warren.cluster;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * The deployment's Prometheus, with the deployment's configuration ({@code deploy/prometheus/
 * prometheus.yml}), scrapes a three-node cluster of the node's image: its own API shows the three
 * targets up, and a queue's depth as every node reports it rising as messages are published and
 * falling back to zero as they are consumed.
 */
@ExtendWith(DockerCondition.class)
class PrometheusScrapeTest {
  private static final int PROMETHEUS_PORT = 9090;
  private static final String QUEUE = "scraped";
  private static final int MESSAGES = 500;
  /** Long enough for a few scrapes (every 5 s) and Prometheus's start; only a hang exceeds it. */
  private static final Duration PATIENCE = Duration.ofMinutes(1);

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void prometheusScrapesEveryNodeAndSeesAQueueFillAndEmpty() throws Exception {
    String testName = getClass().getSimpleName();
    try (ContainerCluster cluster = ContainerCluster.start(testName, 3);
        GenericContainer<?> prometheus = prometheus(cluster, testName)) {
      prometheus.start();
      // The scrape targets are the nodes' names, which resolve on the raft network only.
      cluster.joinRaftNetwork(prometheus.getContainerId(), null);
      PrometheusApi api = new PrometheusApi(
          URI.create("http://" + prometheus.getHost() + ":" + prometheus.getMappedPort(PROMETHEUS_PORT)));

      Set<String> nodes = Set.of("warren1:15692", "warren2:15692", "warren3:15692");
      await("Prometheus to scrape every node").until(api::healthyTargets, nodes::equals);

      try (Connector.Connected first = Connector.connect(cluster, 0, "publisher");
          Connector.Connected second = Connector.connect(cluster, 1, "consumer")) {
        Channel publisher = first.connection().createChannel();
        publisher.queueDeclare(QUEUE, true, false, false, null);
        publisher.confirmSelect();
        for (int i = 0; i < MESSAGES; i++) {
          publisher.basicPublish("", QUEUE, MessageProperties.PERSISTENT_BASIC,
              ("m" + i).getBytes(StandardCharsets.UTF_8));
        }
        publisher.waitForConfirmsOrDie(PATIENCE.toMillis());
        awaitEveryNodeReports(api, MESSAGES);

        Channel consumer = second.connection().createChannel();
        for (GetResponse r; (r = consumer.basicGet(QUEUE, true)) != null; ) {
          // emptying the queue through another node
        }
        awaitEveryNodeReports(api, 0);
      }
    }
  }

  /** Waits until Prometheus's latest scrape of each of the three nodes says the queue holds {@code ready}. */
  private static void awaitEveryNodeReports(PrometheusApi api, int ready) {
    String query = "count(rabbitmq_queue_messages_ready{queue=\"" + QUEUE + "\"} == " + ready + ")";
    await("three nodes reporting " + ready + " ready in " + QUEUE).until(() -> api.scalar(query), n -> n == 3);
    System.out.printf("prometheus: %s = 3%n", query);
  }

  private static ConditionFactory await(String what) {
    return Awaitility.await(what).atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).ignoreExceptions();
  }

  /** The Prometheus image with the deployment's configuration, its port published on loopback only. */
  private static GenericContainer<?> prometheus(ContainerCluster cluster, String testName) {
    return new GenericContainer<>(DockerImageName.parse(ContainerImages.prometheus()))
        .withNetworkMode(cluster.clientsNetwork())
        .withLabel(ContainerCluster.LABEL, testName)
        .withCopyFileToContainer(
            MountableFile.forHostPath(ContainerImages.repository().resolve("deploy/prometheus/prometheus.yml")),
            "/etc/prometheus/prometheus.yml")
        .withExposedPorts(PROMETHEUS_PORT)
        .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withPortBindings(
            new PortBinding(Ports.Binding.bindIp("127.0.0.1"), ExposedPort.tcp(PROMETHEUS_PORT))))
        .waitingFor(Wait.forHttp("/-/ready").forPort(PROMETHEUS_PORT));
  }
}
