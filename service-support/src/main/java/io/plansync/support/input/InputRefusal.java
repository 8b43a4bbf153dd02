package io.plansync.support.input;

import io.micronaut.http.HttpResponse;
import io.plansync.support.problem.Problem;
import io.plansync.support.problem.ProblemException;
import io.plansync.support.problem.ProblemExceptionHandler;

import java.util.List;

/** The answer to input that breaks a rule of this package: 400 VALIDATION_FAILED naming the field or parameter. */
final class InputRefusal {
    private InputRefusal() {
    }

    static HttpResponse<Problem> of(Problem.FieldError error) {
        return ProblemExceptionHandler.response(ProblemException.validation(List.of(error)));
    }
}
