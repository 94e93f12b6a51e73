<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>dspy::ui::EvaluateView</name>
    <message>
        <source>first </source>
        <translation type="unfinished" />
    </message>
    <message>
        <source> examples</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Evaluate</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Stop</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Export</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>CSV…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>JSON…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Filter results</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>#</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Inputs</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Prediction</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Gold</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Score</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Error</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Score histogram</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Sample</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cannot load the sample %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Evaluate %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 / %2, score %3%</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Stopped: score %1%</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Score %1%</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Examples</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Nothing evaluated yet</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Export results</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>JSON files (*.json)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Export failed</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>dspy::ui::LMProfileDialog</name>
    <message>
        <source>LM profile</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>e.g. gpt-4o-mini</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the provider's default</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>unlimited</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the provider's default, e.g. OPENAI_API_KEY</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>stored in the keychain, never in project files</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Test</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Provider</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Model</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Base URL</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Temperature</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Max tokens</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Concurrency</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Key variable</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>API key</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>OK in %1 ms: %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Failed: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Simulated</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Testing…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Test profile %1</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>dspy::ui::MainWindow</name>
    <message>
        <source>Simulated LM (offline)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>DSPy Workbench</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 — DSPy Workbench</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Welcome</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 run %2 started (%3)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Run %1 %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Run %1 %2: %3</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Prediction (%1 ms): %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&lt;h2&gt;DSPy Workbench&lt;/h2&gt;&lt;p&gt;Open a bundled sample. Each runs offline on the %1.&lt;/p&gt;</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Open sample</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Signatures</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Programs</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Datasets</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Metrics</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>LM profiles</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Runs</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Project</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Select an item to see its properties.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Inspector</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Log</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Traces / Log</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Main</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>LM: </source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The LM profile runs use</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Run</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Run the current signature on the sample's first example</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Evaluate</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Stop</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <source>%n call(s) in flight</source>
        <translation>
            <numerusform>%n call in flight</numerusform><numerusform>%n calls in flight</numerusform></translation>
    </message>
    <message>
        <source>%1 tokens, $%2 this session</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>cache hits %1%</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&lt;h3&gt;%1&lt;/h3&gt;&lt;p&gt;%2&lt;/p&gt;&lt;p&gt;&lt;b&gt;Signature:&lt;/b&gt; &lt;code&gt;%3&lt;/code&gt;&lt;/p&gt;&lt;p&gt;&lt;b&gt;Inputs:&lt;/b&gt; %4&lt;br&gt;&lt;b&gt;Metric field:&lt;/b&gt; %5&lt;/p&gt;</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&lt;h3&gt;%1&lt;/h3&gt;&lt;p&gt;Model &lt;code&gt;%2&lt;/code&gt;: answers in-process, no network, no cost.&lt;/p&gt;</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&lt;h3&gt;exact_match&lt;/h3&gt;&lt;p&gt;1 when the prediction equals the gold value after normalisation, else 0.&lt;/p&gt;</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Signature: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Opened sample %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cannot run: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cannot load the sample %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Run %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Runs are not traced: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Traces</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Profiles…</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>dspy::ui::SignatureEditor</name>
    <message>
        <source>Copy messages</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Signature</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Preview for</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <source>Valid: %n input(s)</source>
        <translation>
            <numerusform>Valid: %n input</numerusform><numerusform>Valid: %n inputs</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n output(s)</source>
        <translation>
            <numerusform>%n output</numerusform><numerusform>%n outputs</numerusform></translation>
    </message>
    <message>
        <source>Error at position %1: %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Error: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Fix the signature to see the messages.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>dspy::ui::SignatureLexer</name>
    <message>
        <source>Default</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Field name</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Type</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Arrow</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Punctuation</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>dspy::ui::TraceInspector</name>
    <message>
        <source>Search prompts and responses (Enter)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>All kinds</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Errors only</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Messages</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Raw response</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Parsed fields</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Error: %1</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>dspy::ui::TraceModel</name>
    <message>
        <source>%1 ms</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>hit</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>miss</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Kind</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Example</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Latency</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Tokens</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cost</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cache</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Error</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>DSPy Workbench: build, inspect and evaluate LM programs.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Project directory to open.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Render the window offscreen to a PNG file and exit.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>View to show: %1.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Window size for --screenshot.</source>
        <translation type="unfinished" />
    </message>
</context>
</TS>