package io.warren.protocol.method;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One row of {@link MethodTable}: a method's ids, name, arguments in wire order and whether it
 * carries content, plus the handles the generic codec uses on its record (built once here).
 */
public final class MethodSpec {

  /** One argument in wire order; reserved arguments have no record component. */
  public record Arg(ArgType type, String name, boolean reserved) {
    /** The record component name: the spec name in camelCase ("routing-key" -> routingKey). */
    public String componentName() {
      StringBuilder sb = new StringBuilder();
      boolean upper = false;
      for (char c : name.toCharArray()) {
        if (c == '-') {
          upper = true;
        } else {
          sb.append(upper ? Character.toUpperCase(c) : c);
          upper = false;
        }
      }
      return sb.toString();
    }
  }

  private final Class<? extends AmqpMethod> type;
  private final int classId;
  private final int methodId;
  private final String name;
  private final boolean hasContent;
  private final List<Arg> args;
  /** Per arg: accessor (AmqpMethod)Object, null for reserved ones. */
  private final MethodHandle[] getters;
  /** (Object[])AmqpMethod, taking the non-reserved args in order. */
  private final MethodHandle constructor;
  private final int componentCount;
  /** The one instance of a record without components (all are equal, so share one). */
  private final AmqpMethod singleton;
  private ArgsCodec codec;

  MethodSpec(Class<? extends AmqpMethod> type, int classId, int methodId, String name,
      boolean hasContent, Arg... args) {
    this.type = type;
    this.classId = classId;
    this.methodId = methodId;
    this.name = name;
    this.hasContent = hasContent;
    this.args = List.of(args);
    RecordComponent[] components = type.getRecordComponents();
    List<Arg> real = new ArrayList<>();
    for (Arg a : args) {
      if (!a.reserved()) {
        real.add(a);
      }
    }
    if (components.length != real.size()) {
      throw new IllegalStateException(name + ": table lists " + real.size()
          + " arguments but " + type.getSimpleName() + " has " + components.length);
    }
    for (int i = 0; i < components.length; i++) {
      Arg a = real.get(i);
      RecordComponent c = components[i];
      if (!c.getName().equals(a.componentName()) || c.getType() != a.type().javaType()) {
        throw new IllegalStateException(name + ": argument " + a + " does not match component "
            + c.getType().getSimpleName() + " " + c.getName());
      }
    }
    this.componentCount = components.length;
    MethodHandles.Lookup lookup = MethodHandles.lookup();
    try {
      getters = new MethodHandle[args.length];
      int component = 0;
      for (int i = 0; i < args.length; i++) {
        if (!args[i].reserved()) {
          getters[i] = lookup.unreflect(components[component++].getAccessor())
              .asType(MethodType.methodType(Object.class, AmqpMethod.class));
        }
      }
      Class<?>[] paramTypes = Arrays.stream(components).map(RecordComponent::getType)
          .toArray(Class<?>[]::new);
      MethodHandle canonical = lookup.findConstructor(type,
          MethodType.methodType(void.class, paramTypes));
      constructor = canonical.asSpreader(Object[].class, componentCount)
          .asType(MethodType.methodType(AmqpMethod.class, Object[].class));
      singleton = componentCount == 0 ? (AmqpMethod) constructor.invokeExact(new Object[0]) : null;
    } catch (Throwable e) {
      throw new IllegalStateException("cannot build codec handles for " + name, e);
    }
    this.codec = new TableDrivenArgsCodec(this);
  }

  public Class<? extends AmqpMethod> type() {
    return type;
  }

  public int classId() {
    return classId;
  }

  public int methodId() {
    return methodId;
  }

  public String name() {
    return name;
  }

  public boolean hasContent() {
    return hasContent;
  }

  /** Arguments in wire order, reserved ones included. */
  public List<Arg> args() {
    return args;
  }

  ArgsCodec codec() {
    return codec;
  }

  /** Installs a hand-optimised codec for a hot method; tests check it agrees with the table. */
  MethodSpec withCodec(ArgsCodec fast) {
    this.codec = fast;
    return this;
  }

  /** The table-driven codec, even where a hand-optimised one is installed (for tests). */
  ArgsCodec genericCodec() {
    return new TableDrivenArgsCodec(this);
  }

  MethodHandle getter(int argIndex) {
    return getters[argIndex];
  }

  int componentCount() {
    return componentCount;
  }

  AmqpMethod construct(Object[] values) {
    if (singleton != null) {
      return singleton;
    }
    try {
      return (AmqpMethod) constructor.invokeExact(values);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return name + "(" + classId + "," + methodId + ")";
  }
}
