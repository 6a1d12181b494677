package dev.guardedagents.internal.llm;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Streams of a run: a run's thread waits for a stream to end, as it waits for a call, so
 * that its steps are executed and journaled in order by one thread at a time.
 */
final class Streams {

	/**
	 * Where a streamed model step waits when it runs on a thread of Reactor's: threads of
	 * our own, one per waiting run at most, idle ones ending after a minute.
	 */
	static final Scheduler WAITING = Schedulers.fromExecutorService(waitingThreads(), "guarded-streams");

	private Streams() {
	}

	private static ExecutorService waitingThreads() {
		CustomizableThreadFactory threads = new CustomizableThreadFactory("guarded-streams-");
		threads.setDaemon(true);
		return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), threads);
	}

	/**
	 * Subscribes to a stream and waits on this thread until it ends, handing each element
	 * to {@code each} as it comes.
	 * @param <T> the element type
	 * @param stream the stream
	 * @param each what is done with each element
	 * @throws Exception what the stream failed with, as it is (not wrapped), or
	 * {@link InterruptedException} when this thread is interrupted (a guard's time limit,
	 * a cancel), which cancels the stream
	 */
	static <T> void drain(Flux<T> stream, Consumer<? super T> each) throws Exception {
		CompletableFuture<Void> done = new CompletableFuture<>();
		Disposable subscription = stream.subscribe(each, done::completeExceptionally, () -> done.complete(null));
		try {
			done.get();
		}
		catch (InterruptedException ex) {
			subscription.dispose();
			throw ex;
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof Error error) {
				throw error;
			}
			throw (cause instanceof Exception exception) ? exception : ex;
		}
	}

	/**
	 * A stream made on the subscribing thread, which waits for it to end: for a run's
	 * thread, which must not go on while the stream's steps are executing elsewhere.
	 * @param <T> the element type
	 * @param body emits the elements, on this thread or others, and returns once all are
	 * emitted
	 * @return the stream: it ends after the body returned, or fails with what it threw
	 */
	static <T> Flux<T> waitedFor(Emitter<T> body) {
		return Flux.create((sink) -> {
			try {
				body.emit(sink);
				sink.complete();
			}
			catch (Throwable ex) {
				sink.error(ex);
			}
		});
	}

	/**
	 * Emits the elements of a stream.
	 *
	 * @param <T> the element type
	 */
	@FunctionalInterface
	interface Emitter<T> {

		/**
		 * Emits the elements and returns once all are emitted.
		 * @param sink where to
		 * @throws Throwable when the stream fails
		 */
		void emit(FluxSink<T> sink) throws Throwable;

	}

}
