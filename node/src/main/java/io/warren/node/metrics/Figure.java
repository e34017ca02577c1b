package io.warren.node.metrics;

import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.CounterMetricFamily;
import io.prometheus.client.GaugeMetricFamily;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * One metric family defined as data: its name, help, type and how to read its value off one item
 * (a queue, a group, ...). The collectors keep a table of these per kind of item.
 *
 * @param name the family's name; a counter's ends with {@code _total}, as exposed
 */
record Figure<T>(String name, String help, boolean counter, ToDoubleFunction<T> value) {

  static <T> Figure<T> gauge(String name, String help, ToDoubleFunction<T> value) {
    return new Figure<>(name, help, false, value);
  }

  static <T> Figure<T> counter(String name, String help, ToDoubleFunction<T> value) {
    if (!name.endsWith("_total")) {
      throw new IllegalArgumentException("a counter's name ends with _total: " + name);
    }
    return new Figure<>(name, help, true, value);
  }

  /** The family with one sample per item, labelled by {@code labels}. */
  MetricFamilySamples collect(List<String> labelNames, Iterable<? extends T> items,
      Function<? super T, List<String>> labels) {
    if (counter) {
      // simpleclient names the family without _total and its samples with it.
      CounterMetricFamily family = new CounterMetricFamily(name, help, labelNames);
      items.forEach(item -> family.addMetric(labels.apply(item), value.applyAsDouble(item)));
      return family;
    }
    GaugeMetricFamily family = new GaugeMetricFamily(name, help, labelNames);
    items.forEach(item -> family.addMetric(labels.apply(item), value.applyAsDouble(item)));
    return family;
  }
}
