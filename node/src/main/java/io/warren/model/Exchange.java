package io.warren.model;

import java.util.LinkedHashSet;
import java.util.Set;

/** An exchange and the bindings whose source it is. Mutated only by {@link Broker}. */
public final class Exchange {
  private final ExchangeName name;
  private final ExchangeType type;
  private final boolean durable;
  private final boolean autoDelete;
  private final boolean internal;
  private final Arguments arguments;
  private final BindingIndex index;
  private final Set<Binding> bindings = new LinkedHashSet<>();
  /** Routing pass that last visited this exchange; guards against binding cycles. */
  long visitedEpoch;

  Exchange(ExchangeName name, ExchangeType type, boolean durable, boolean autoDelete, boolean internal,
      Arguments arguments) {
    this.name = name;
    this.type = type;
    this.durable = durable;
    this.autoDelete = autoDelete;
    this.internal = internal;
    this.arguments = arguments;
    this.index = type.newIndex(arguments);
  }

  public ExchangeName name() {
    return name;
  }

  public ExchangeType type() {
    return type;
  }

  public boolean durable() {
    return durable;
  }

  public boolean autoDelete() {
    return autoDelete;
  }

  public boolean internal() {
    return internal;
  }

  public Arguments arguments() {
    return arguments;
  }

  /** Bindings from this exchange, in the order they were made. */
  public Set<Binding> bindings() {
    return java.util.Collections.unmodifiableSet(bindings);
  }

  /** The alternate exchange named in the arguments, if any. */
  String alternateExchange() {
    return arguments.getString("alternate-exchange");
  }

  void validate(Binding b) {
    index.validate(b);
  }

  boolean add(Binding b) {
    if (!bindings.add(b)) {
      return false;
    }
    index.add(b);
    return true;
  }

  boolean remove(Binding b) {
    if (!bindings.remove(b)) {
      return false;
    }
    index.remove(b);
    return true;
  }

  void match(Message m, java.util.List<String> routingKeys, PropertiesCodec codec,
      java.util.function.Consumer<Binding> sink) {
    index.match(m, routingKeys, codec, sink);
  }
}
