package io.warren.node.management;

import io.warren.model.Arguments;
import io.warren.model.Binding;
import io.warren.model.Broker;
import io.warren.model.Exchange;
import io.warren.model.ExchangeName;
import io.warren.model.Policy;
import io.warren.model.QueueName;
import io.warren.model.QueueState;
import io.warren.model.VirtualHost;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What is declared: vhosts, exchanges, queues and bindings, copied out of the node's broker on the
 * broker thread ({@link #of}) into immutable values the API threads may read. The node's broker
 * holds every declaration (replicated queues as stand-ins); their figures are elsewhere.
 */
/** @param policies every policy, by vhost and name */
record Topology(List<Vhost> vhosts, List<Policy> policies) {

  record Vhost(String name, List<ExchangeDecl> exchanges, List<QueueDecl> queues, List<Binding> bindings) {}

  record ExchangeDecl(ExchangeName name, String type, boolean durable, boolean autoDelete, boolean internal,
      Arguments arguments) {}

  /**
   * @param owner the owning connection of an exclusive queue, else 0
   * @param replicated whether its messages live in a queue partition (durable, not exclusive, not
   *     auto-delete)
   * @param policy the policy that applies to it, or null
   */
  record QueueDecl(QueueName name, boolean durable, boolean autoDelete, boolean exclusive, long owner,
      Arguments arguments, boolean replicated, Policy policy) {}

  private static final Comparator<String> NAMES = Comparator.naturalOrder();

  /** Copies the declarations; call only on the thread that applies commands to {@code broker}. */
  static Topology of(Broker broker) {
    List<Vhost> vhosts = new ArrayList<>();
    for (VirtualHost vh : broker.vhosts()) {
      List<ExchangeDecl> exchanges = new ArrayList<>();
      List<Binding> bindings = new ArrayList<>();
      for (Exchange x : vh.exchanges().values()) {
        exchanges.add(new ExchangeDecl(x.name(), x.type().wireName(), x.durable(), x.autoDelete(), x.internal(),
            x.arguments()));
        bindings.addAll(x.bindings());
      }
      List<QueueDecl> queues = new ArrayList<>();
      for (QueueState q : vh.queues().values()) {
        queues.add(new QueueDecl(q.name(), q.durable(), q.autoDelete(), q.exclusive(), q.owner(), q.arguments(),
            q.replicated(), q.policy()));
      }
      exchanges.sort(Comparator.comparing(x -> x.name().name(), NAMES));
      queues.sort(Comparator.comparing(q -> q.name().name(), NAMES));
      vhosts.add(new Vhost(vh.name(), List.copyOf(exchanges), List.copyOf(queues), List.copyOf(bindings)));
    }
    vhosts.sort(Comparator.comparing(Vhost::name, NAMES));
    return new Topology(List.copyOf(vhosts), broker.policies().all());
  }

  Optional<Vhost> vhost(String name) {
    return vhosts.stream().filter(v -> v.name().equals(name)).findFirst();
  }

  /** The vhost, or the API's 404. */
  Vhost vhostOrNotFound(String name) {
    return vhost(name).orElseThrow(ApiException::notFound);
  }

  /** The vhosts a listing covers: one when {@code name} is given (404 if unknown), else all. */
  List<Vhost> scope(String name) {
    return name == null ? vhosts : List.of(vhostOrNotFound(name));
  }

  Optional<QueueDecl> queue(QueueName name) {
    return vhost(name.vhost()).flatMap(v -> v.queues().stream().filter(q -> q.name().equals(name)).findFirst());
  }

  /** The policies of one vhost ({@code name} given; 404 if unknown), or all. */
  List<Policy> policies(String name) {
    scope(name);
    return name == null ? policies : policies.stream().filter(p -> p.vhost().equals(name)).toList();
  }

  Optional<ExchangeDecl> exchange(ExchangeName name) {
    return vhost(name.vhost()).flatMap(v -> v.exchanges().stream().filter(x -> x.name().equals(name)).findFirst());
  }
}
