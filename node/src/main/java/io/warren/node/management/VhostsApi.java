package io.warren.node.management;

import io.warren.model.Broker;
import io.warren.model.Command;
import io.warren.node.metrics.BrokerSnapshot;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/vhosts}: list, show, create (PUT; the creating user gets every permission on it, as
 * in RabbitMQ), delete (with everything in it, its permissions, and its connections closed).
 * Descriptions, tags and default queue types are not kept.
 */
final class VhostsApi {
  private final BrokerAccess broker;
  private final Rates rates;
  private final ClusterStatus cluster;

  VhostsApi(BrokerAccess broker, Rates rates, ClusterStatus cluster) {
    this.broker = broker;
    this.rates = rates;
    this.cluster = cluster;
  }

  void register(Routes routes) {
    routes.get("vhosts", r -> {
      BrokerSnapshot figures = broker.figures();
      return ApiResponse.ok(broker.topology().vhosts().stream().map(v -> vhost(v.name(), figures)).toList());
    })
        .get("vhosts/{vhost}", r -> {
          String name = r.param("vhost");
          broker.topology().vhostOrNotFound(name);
          return ApiResponse.ok(vhost(name, broker.figures()));
        })
        .put("vhosts/{vhost}", r -> {
          return ApiResponse.createdOrExisted(addVhost(broker, r.param("vhost"), r.user()));
        })
        .delete("vhosts/{vhost}", r -> {
          String name = r.param("vhost");
          broker.topology().vhostOrNotFound(name);
          Replies.check(broker.submit(new Command.DeleteVhost(name)));
          return ApiResponse.NO_CONTENT;
        });
  }

  /**
   * Creates a vhost unless it exists; as in RabbitMQ, whoever creates one through the API (or a
   * definitions import) gets every permission on it.
   *
   * @return whether it was created
   */
  static boolean addVhost(BrokerAccess broker, String name, String actingUser) {
    boolean existed = broker.topology().vhost(name).isPresent();
    Replies.check(broker.submit(new Command.AddVhost(name)));
    if (!existed) {
      Replies.check(broker.submit(new Command.SetPermissions(actingUser, name, ".*", ".*", ".*")));
    }
    return !existed;
  }

  private Map<String, Object> vhost(String name, BrokerSnapshot figures) {
    long ready = 0;
    long unacked = 0;
    double readyRate = 0;
    double unackedRate = 0;
    for (BrokerSnapshot.QueueFigures q : figures.queues()) {
      if (q.vhost().equals(name)) {
        ready += q.ready();
        unacked += q.unacked();
        readyRate += rates.of(Rates.queue(name, q.queue(), "messages_ready"));
        unackedRate += rates.of(Rates.queue(name, q.queue(), "messages_unacknowledged"));
      }
    }
    String description = name.equals(Broker.DEFAULT_VHOST) ? "Default virtual host" : "";
    Map<String, Object> state = Json.obj();
    cluster.members().forEach(n -> state.put(n, cluster.running(n) ? "running" : "stopped"));
    return Json.obj(
        "name", name,
        "description", description,
        "tags", List.of(),
        "default_queue_type", "classic",
        "metadata", Json.obj("description", description, "tags", List.of()),
        "tracing", false,
        "cluster_state", state,
        "messages", ready + unacked,
        "messages_details", Json.rate(readyRate + unackedRate),
        "messages_ready", ready,
        "messages_ready_details", Json.rate(readyRate),
        "messages_unacknowledged", unacked,
        "messages_unacknowledged_details", Json.rate(unackedRate));
  }
}
