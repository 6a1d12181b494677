package dev.guardedagents.sample;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Who may do what in the sample: anyone files tickets; the actuator needs a user. Its
 * users are for trying the sample only (passwords in clear text, in memory): an operator
 * who may cancel runs, two billing reviewers who decide billing replies, and a plain user
 * who may look but decide nothing.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class SampleSecurity {

	/**
	 * The actuator: health for everyone; the run and review endpoints for any
	 * authenticated user, which check reviewers and operators themselves; the rest for
	 * operators. HTTP Basic, and no CSRF tokens, since clients send credentials with each
	 * request.
	 * @param http the security builder
	 * @return the chain
	 * @throws Exception if it cannot be built
	 */
	@Bean
	@Order(1)
	SecurityFilterChain actuatorSecurity(HttpSecurity http) throws Exception {
		return http.securityMatcher(EndpointRequest.toAnyEndpoint())
			.authorizeHttpRequests((requests) -> requests.requestMatchers(EndpointRequest.to("health"))
				.permitAll()
				.requestMatchers(EndpointRequest.to("agentruns", "agentreviews"))
				.authenticated()
				.anyRequest()
				.hasRole("operator"))
			.httpBasic(Customizer.withDefaults())
			.csrf((csrf) -> csrf.ignoringRequestMatchers(EndpointRequest.toAnyEndpoint()))
			.build();
	}

	/**
	 * The application's own API: filing and reading tickets is open in the sample.
	 * @param http the security builder
	 * @return the chain
	 * @throws Exception if it cannot be built
	 */
	@Bean
	@Order(2)
	SecurityFilterChain applicationSecurity(HttpSecurity http) throws Exception {
		return http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
			.csrf((csrf) -> csrf.ignoringRequestMatchers("/tickets/**", "/tickets"))
			.build();
	}

	/**
	 * The sample's users; the password of each is {@code password}.
	 * @return the users
	 */
	@Bean
	InMemoryUserDetailsManager users() {
		return new InMemoryUserDetailsManager(user("operator", "operator"), user("ann", "billing-team"),
				user("bob", "billing-team"), user("paul", "user"));
	}

	private static UserDetails user(String name, String role) {
		return User.withUsername(name).password("{noop}password").roles(role).build();
	}

}
