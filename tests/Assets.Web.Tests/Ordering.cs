using Xunit.Abstractions;
using Xunit.Sdk;

namespace Assets.Web.Tests;

/// <summary>The step of a browser scenario: the scenarios share one served example and change it, so they run in this order.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class StepAttribute(int order) : Attribute
{
    public int Order { get; } = order;
}

/// <summary>Runs a class's tests by their <see cref="StepAttribute"/>.</summary>
public sealed class StepOrderer : ITestCaseOrderer
{
    public const string Name = "Assets.Web.Tests.StepOrderer";

    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases)
        where TTestCase : ITestCase
        => testCases.OrderBy(t => t.TestMethod.Method.GetCustomAttributes(typeof(StepAttribute).AssemblyQualifiedName).FirstOrDefault()?.GetConstructorArguments().OfType<int>().First() ?? int.MaxValue);
}
