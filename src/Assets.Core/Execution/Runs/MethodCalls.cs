using System.Reflection;
using System.Runtime.ExceptionServices;

namespace Assets.Execution;

/// <summary>Calls an asset or check method and awaits what it returns, so its exceptions surface as the body threw them.</summary>
internal static class MethodCalls
{
    /// <summary>
    /// Invokes <paramref name="method"/> and awaits a <see cref="Task"/>, <see cref="Task{TResult}"/>,
    /// <see cref="ValueTask"/> or <see cref="ValueTask{TResult}"/>; returns the result (<c>null</c> for none).
    /// </summary>
    public static async Task<object?> InvokeAsync(MethodInfo method, object? target, object?[] arguments)
    {
        // DoNotWrapExceptions: the body's own exception, not a TargetInvocationException, reaches retry classification.
        var returned = method.Invoke(target, BindingFlags.DoNotWrapExceptions, binder: null, arguments, culture: null);
        if (returned is null)
        {
            return null;
        }

        var declared = method.ReturnType;
        if (declared.IsGenericType && declared.GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            var task = (Task)declared.GetMethod(nameof(ValueTask<int>.AsTask))!.Invoke(returned, null)!;
            await task.ConfigureAwait(false);
            return task.GetType().GetProperty(nameof(Task<int>.Result))!.GetValue(task);
        }

        switch (returned)
        {
            case Task task:
                await task.ConfigureAwait(false);
                return declared.IsGenericType && declared.GetGenericTypeDefinition() == typeof(Task<>)
                    ? declared.GetProperty(nameof(Task<int>.Result))!.GetValue(task)
                    : null;
            case ValueTask valueTask:
                await valueTask.ConfigureAwait(false);
                return null;
            default:
                return returned;
        }
    }

    /// <summary>The exception a body or a constructor really threw, without reflection's wrappers.</summary>
    public static Exception Unwrap(Exception error)
    {
        while (error is TargetInvocationException { InnerException: { } inner })
        {
            error = inner;
        }

        return error;
    }

    /// <summary>Rethrows <paramref name="error"/> unwrapped, keeping its stack trace.</summary>
    public static Exception Rethrow(Exception error)
    {
        ExceptionDispatchInfo.Throw(Unwrap(error));
        return error;
    }
}
