package example;

import org.springframework.stereotype.Controller;

/**
 * Left out by the slice: were it scanned, its dependency on a bean that only the web
 * application has would fail the test's start-up.
 */
@Controller
public class GreetingController {

	public GreetingController(WebOnlyBean required) {
	}

	public interface WebOnlyBean {

	}

}
