package io.seckill.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class OpenApiRoutesTest {

  @Test
  void routerServesUnderApiExactlyTheOperationsTheOpenApiDocumentLists() throws Exception {
    try (GatewayHarness gw = new GatewayHarness(Map.of())) {
      HttpResponse<String> served = gw.get("/openapi.yaml", null);
      assertThat(served.statusCode()).isEqualTo(200);
      JsonNode document = new ObjectMapper(new YAMLFactory()).readTree(served.body());
      assertThat(document.get("openapi").asText()).startsWith("3.1");
      Set<String> documented = new TreeSet<>();
      for (Iterator<Map.Entry<String, JsonNode>> paths = document.get("paths").fields(); paths.hasNext(); ) {
        Map.Entry<String, JsonNode> path = paths.next();
        for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
          String method = methods.next();
          if (Set.of("get", "post", "put", "patch", "delete", "head", "options").contains(method)) {
            documented.add(method.toUpperCase() + " " + path.getKey());
          }
        }
      }
      Set<String> routed = ((GatewayService) gw.service).apiRoutes();
      assertThat(routed).isNotEmpty().isEqualTo(documented);
    }
  }
}
