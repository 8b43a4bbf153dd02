package io.plansync.cli.output;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;

import java.io.PrintWriter;

/** JSON output for scripts: pretty-printed, exactly what the service sent. */
public final class Json {
    private static final Gson PRETTY = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls()
            .create();

    private Json() {
    }

    public static void print(PrintWriter out, JsonElement element) {
        out.println(PRETTY.toJson(element));
    }
}
