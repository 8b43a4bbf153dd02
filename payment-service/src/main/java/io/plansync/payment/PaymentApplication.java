package io.plansync.payment;

import io.micronaut.runtime.Micronaut;

public class PaymentApplication {
    public static void main(String[] args) {
        Micronaut.run(PaymentApplication.class, args);
    }
}
