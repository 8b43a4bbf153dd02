package io.plansync.cli.outbox;

import io.plansync.contracts.OutboxState;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Locale;

/** {@code --state}: an outbox state by its wire name, in any case (as payment-service names it). */
final class OutboxStateConverter implements ITypeConverter<OutboxState> {
    @Override
    public OutboxState convert(String value) {
        return OutboxState.fromWire(value.toLowerCase(Locale.ROOT)).orElseThrow(() -> new TypeConversionException(
                "expected one of " + OutboxState.wireList() + " but was '" + value + "'"));
    }
}
