package dev.guardedagents.internal.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.util.ClassUtils;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;
import org.springframework.web.util.HtmlUtils;

/**
 * The console's routes: its page at the configured path, with the actuator's base path
 * and the request's CSRF token (when Spring Security keeps one) in meta tags, and its
 * script and style sheet from the jar. The page holds no data; everything it shows it
 * reads from the actuator endpoints as the signed-in user. Internal: not API.
 */
public final class ConsoleRoutes {

	private static final String LOCATION = "dev/guardedagents/console/";

	private static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
			+ "connect-src 'self'; img-src 'self' data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

	private static final boolean CSRF_PRESENT = ClassUtils.isPresent("org.springframework.security.web.csrf.CsrfToken",
			ConsoleRoutes.class.getClassLoader());

	private final String path;

	private final String actuatorBasePath;

	private final String page;

	/**
	 * Creates the routes.
	 * @param path the console's path, such as {@code /guarded-agents}
	 * @param actuatorBasePath the base path of the actuator's web endpoints, such as
	 * {@code /actuator}
	 */
	public ConsoleRoutes(String path, String actuatorBasePath) {
		this.path = path;
		this.actuatorBasePath = actuatorBasePath;
		this.page = read(LOCATION + "index.html");
	}

	/**
	 * Returns the routes.
	 * @return the router function
	 */
	public RouterFunction<ServerResponse> routes() {
		return RouterFunctions.route()
			.GET(this.path,
					(request) -> ServerResponse.status(302)
						.location(URI.create(request.servletRequest().getContextPath() + this.path + "/"))
						.build())
			.GET(this.path + "/", this::page)
			.GET(this.path + "/index.html", this::page)
			.add(RouterFunctions.resources(this.path + "/**", new ClassPathResource(LOCATION)))
			.build();
	}

	private ServerResponse page(ServerRequest request) {
		String[] csrf = csrf(request);
		String html = this.page
			.replace("{{actuator}}", escape(request.servletRequest().getContextPath() + this.actuatorBasePath))
			.replace("{{csrfHeader}}", escape(csrf[0]))
			.replace("{{csrfToken}}", escape(csrf[1]));
		return ServerResponse.ok()
			.contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
			.cacheControl(CacheControl.noStore())
			.header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
			.header("X-Content-Type-Options", "nosniff")
			.header("Referrer-Policy", "no-referrer")
			.body(html);
	}

	private static String[] csrf(ServerRequest request) {
		return CSRF_PRESENT ? SecurityCsrf.of(request) : new String[] { "", "" };
	}

	private static String escape(@Nullable String value) {
		return (value != null) ? HtmlUtils.htmlEscape(value) : "";
	}

	private static String read(String location) {
		try (InputStream in = new ClassPathResource(location).getInputStream()) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("The console's page " + location + " is missing from the jar", ex);
		}
	}

	/**
	 * Reads Spring Security's CSRF token, apart so that the class loads only when Spring
	 * Security's web module is present.
	 */
	private static final class SecurityCsrf {

		static String[] of(ServerRequest request) {
			Object token = request.servletRequest().getAttribute(CsrfToken.class.getName());
			if (token instanceof CsrfToken csrf) {
				return new String[] { csrf.getHeaderName(), csrf.getToken() };
			}
			return new String[] { "", "" };
		}

	}

}
