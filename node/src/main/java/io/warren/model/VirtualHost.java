package io.warren.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** A virtual host: its exchanges, queues, and an index of bindings by destination. */
public final class VirtualHost {
  /** Exchanges every vhost starts with; the default exchange is the empty name. */
  static final Map<String, ExchangeType> PREDECLARED = predeclared();

  private final String name;
  final Map<String, Exchange> exchanges = new LinkedHashMap<>();
  final Map<String, QueueState> queues = new LinkedHashMap<>();
  /** Bindings by destination, to remove them when the destination goes. */
  final Map<Resource, Set<Binding>> bindingsTo = new LinkedHashMap<>();

  VirtualHost(String name) {
    this.name = name;
    PREDECLARED.forEach((x, type) ->
        exchanges.put(x, new Exchange(new ExchangeName(name, x), type, true, false, false, Arguments.EMPTY)));
  }

  private static Map<String, ExchangeType> predeclared() {
    Map<String, ExchangeType> m = new LinkedHashMap<>();
    m.put("", ExchangeType.DIRECT);
    m.put("amq.direct", ExchangeType.DIRECT);
    m.put("amq.fanout", ExchangeType.FANOUT);
    m.put("amq.topic", ExchangeType.TOPIC);
    m.put("amq.headers", ExchangeType.HEADERS);
    m.put("amq.match", ExchangeType.HEADERS);
    return Collections.unmodifiableMap(m);
  }

  public String name() {
    return name;
  }

  public Map<String, Exchange> exchanges() {
    return Collections.unmodifiableMap(exchanges);
  }

  public Map<String, QueueState> queues() {
    return Collections.unmodifiableMap(queues);
  }

  void indexBinding(Binding b) {
    bindingsTo.computeIfAbsent(b.destination(), d -> new LinkedHashSet<>()).add(b);
  }

  void unindexBinding(Binding b) {
    Set<Binding> set = bindingsTo.get(b.destination());
    if (set != null && set.remove(b) && set.isEmpty()) {
      bindingsTo.remove(b.destination());
    }
  }
}
