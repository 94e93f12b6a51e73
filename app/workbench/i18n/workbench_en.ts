<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>QObject</name>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="49"/>
        <source>Edit %1 of row %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="67"/>
        <source>Delete row %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="68"/>
        <source>Add row %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/projectdocument.cpp" line="26"/>
        <source>Edit signature %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dspy::ui</name>
    <message>
        <location filename="../../../widgets/graph/graphcommands.cpp" line="211"/>
        <location filename="../../../widgets/graph/graphcommands.cpp" line="227"/>
        <location filename="../../../widgets/graph/graphcommands.cpp" line="235"/>
        <source>no such node</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/graphcommands.cpp" line="213"/>
        <source>&apos;%1&apos; is not a valid node name (letters, digits and _, not starting with a digit)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/graphcommands.cpp" line="219"/>
        <source>a node named &apos;%1&apos; already exists</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/graphcommands.cpp" line="239"/>
        <source>settings must be a JSON object: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/graphcommands.cpp" line="325"/>
        <source>the clipboard holds no graph nodes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/graphcommands.cpp" line="329"/>
        <source>the copied nodes are not valid JSON: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/graphcommands.cpp" line="356"/>
        <source>nothing to paste</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/graphcommands.cpp" line="369"/>
        <source>Paste</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dspy::ui::AddNodeCommand</name>
    <message>
        <location filename="../../../widgets/graph/graphcommands.cpp" line="56"/>
        <source>Add %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dspy::ui::AddToDatasetDialog</name>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="401"/>
        <source>Add to dataset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="402"/>
        <source>Field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="402"/>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="402"/>
        <source>Value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="413"/>
        <source>input</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="413"/>
        <source>label</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="424"/>
        <source>Add</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="425"/>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="433"/>
        <source>Correct the label before adding the example.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dspy::ui::ConnectCommand</name>
    <message>
        <location filename="../../../widgets/graph/graphcommands.cpp" line="112"/>
        <source>Connect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/graphcommands.cpp" line="112"/>
        <source>Disconnect</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dspy::ui::DatasetModel</name>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="119"/>
        <source>The dataset has no file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../../../widgets/datasetview.cpp" line="169"/>
        <source>Delete %n row(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="225"/>
        <source>split</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="230"/>
        <source>%1 (input)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="230"/>
        <source>%1 (label)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="237"/>
        <source>An input field: the program receives it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="238"/>
        <source>A label: the metric compares the prediction with it.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dspy::ui::DatasetView</name>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="322"/>
        <source>Mark %1 as a label</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="323"/>
        <source>Mark %1 as an input</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="330"/>
        <source>Add row</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="331"/>
        <source>Delete rows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="332"/>
        <source>Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="340"/>
        <source>Split</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="351"/>
        <source>Cannot save: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="353"/>
        <source>Saved %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="362"/>
        <source>Train fraction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="364"/>
        <source>Seed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="391"/>
        <source>Cannot split: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="393"/>
        <source>train %1, dev %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dspy::ui::DeleteCommand</name>
    <message>
        <location filename="../../../widgets/graph/graphcommands.cpp" line="91"/>
        <source>Disconnect</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dspy::ui::EvaluateView</name>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="63"/>
        <source>first </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="64"/>
        <source> examples</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="65"/>
        <source>Evaluate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="66"/>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="68"/>
        <source>Export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="71"/>
        <source>CSV…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="72"/>
        <source>JSON…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="80"/>
        <source>Filter results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="85"/>
        <source>#</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="85"/>
        <source>Inputs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="85"/>
        <source>Prediction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="85"/>
        <source>Gold</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="85"/>
        <location filename="../../../widgets/evaluateview.cpp" line="280"/>
        <source>Score</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="85"/>
        <source>Error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="100"/>
        <source>Score histogram</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="107"/>
        <source>Sample</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="166"/>
        <source>Cannot load the sample %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="170"/>
        <source>Evaluate %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="197"/>
        <source>%1 / %2, score %3%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="211"/>
        <source>Stopped: score %1%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="212"/>
        <source>Score %1%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="267"/>
        <source>Examples</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="293"/>
        <location filename="../../../widgets/evaluateview.cpp" line="300"/>
        <source>Nothing evaluated yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="308"/>
        <source>Export results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="308"/>
        <source>CSV files (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="308"/>
        <source>JSON files (*.json)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="313"/>
        <source>Export failed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dspy::ui::GraphCommands</name>
    <message numerus="yes">
        <location filename="../../../widgets/graph/graphcommands.cpp" line="93"/>
        <source>Delete %n node(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>dspy::ui::GraphEditor</name>
    <message>
        <location filename="../../../widgets/graph/grapheditor.cpp" line="48"/>
        <source>Inputs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/grapheditor.cpp" line="51"/>
        <source>Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/grapheditor.cpp" line="53"/>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/grapheditor.cpp" line="91"/>
        <source>Stopped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/grapheditor.cpp" line="93"/>
        <source>Done in %1 ms: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/grapheditor.cpp" line="96"/>
        <source>Failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/grapheditor.cpp" line="133"/>
        <source>Cannot run:
%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/grapheditor.cpp" line="159"/>
        <source>Run program</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/grapheditor.cpp" line="165"/>
        <source>Running…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dspy::ui::GraphScene</name>
    <message>
        <location filename="../../../widgets/graph/graphscene.cpp" line="491"/>
        <source>Connected</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dspy::ui::LMProfileDialog</name>
    <message>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="24"/>
        <source>LM profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="32"/>
        <source>e.g. gpt-4o-mini</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="34"/>
        <source>the provider&apos;s default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="43"/>
        <source>unlimited</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="45"/>
        <source>the provider&apos;s default, e.g. OPENAI_API_KEY</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="48"/>
        <source>stored in the keychain, never in project files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="49"/>
        <source>Test</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="55"/>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="56"/>
        <source>Provider</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="57"/>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="58"/>
        <source>Base URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="59"/>
        <source>Temperature</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="60"/>
        <source>Max tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="61"/>
        <source>Concurrency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="62"/>
        <source>Key variable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="63"/>
        <source>API key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="89"/>
        <source>OK in %1 ms: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="90"/>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="100"/>
        <source>Failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="104"/>
        <source>Simulated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="196"/>
        <source>Testing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="209"/>
        <source>Test profile %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dspy::ui::MainWindow</name>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="64"/>
        <source>Simulated LM (offline)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="74"/>
        <source>DSPy Workbench</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="75"/>
        <source>%1 — DSPy Workbench</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="81"/>
        <source>Welcome</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="149"/>
        <source>%1 run %2 started (%3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="153"/>
        <source>Run %1 %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="154"/>
        <source>Run %1 %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="161"/>
        <source>Prediction (%1 ms): %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="182"/>
        <source>&lt;h2&gt;DSPy Workbench&lt;/h2&gt;&lt;p&gt;Open a bundled sample. Each runs offline on the %1.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="197"/>
        <source>Open sample</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="219"/>
        <source>Signatures</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="220"/>
        <source>Programs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="221"/>
        <source>Datasets</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="223"/>
        <source>Metrics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="224"/>
        <source>LM profiles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="225"/>
        <source>Runs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="259"/>
        <source>Project</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="265"/>
        <source>Select an item to see its properties.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="266"/>
        <source>Inspector</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="279"/>
        <source>Log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="280"/>
        <source>Traces / Log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="288"/>
        <source>Main</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="290"/>
        <source>LM: </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="293"/>
        <source>The LM profile runs use</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="306"/>
        <source>Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="309"/>
        <source>Run the current signature on the sample&apos;s first example</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="310"/>
        <location filename="../../../widgets/mainwindow.cpp" line="410"/>
        <source>Evaluate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="313"/>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../../../widgets/mainwindow.cpp" line="333"/>
        <source>%n call(s) in flight</source>
        <translation>
            <numerusform>%n call in flight</numerusform>
            <numerusform>%n calls in flight</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="334"/>
        <source>%1 tokens, $%2 this session</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="337"/>
        <source>cache hits %1%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="352"/>
        <source>&lt;h3&gt;%1&lt;/h3&gt;&lt;p&gt;%2&lt;/p&gt;&lt;p&gt;&lt;b&gt;Signature:&lt;/b&gt; &lt;code&gt;%3&lt;/code&gt;&lt;/p&gt;&lt;p&gt;&lt;b&gt;Inputs:&lt;/b&gt; %4&lt;br&gt;&lt;b&gt;Metric field:&lt;/b&gt; %5&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="360"/>
        <source>&lt;h3&gt;%1&lt;/h3&gt;&lt;p&gt;Model &lt;code&gt;%2&lt;/code&gt;: answers in-process, no network, no cost.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="364"/>
        <source>&lt;h3&gt;exact_match&lt;/h3&gt;&lt;p&gt;1 when the prediction equals the gold value after normalisation, else 0.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="388"/>
        <source>Signature: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="391"/>
        <source>Opened sample %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="456"/>
        <source>%1 — simulated LM (offline)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="507"/>
        <source>Add LM profile %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="536"/>
        <source>Cannot run: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="542"/>
        <source>Cannot load the sample %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="546"/>
        <source>Run %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="597"/>
        <source>Restore unsaved changes?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="598"/>
        <source>%1 has unsaved changes from a session that did not end normally. Restore them? (The file itself is unchanged until you save.)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="610"/>
        <source>Unsaved changes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="610"/>
        <source>Save the changes to %1?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="623"/>
        <location filename="../../../widgets/mainwindow.cpp" line="624"/>
        <source>Cannot open the project: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="633"/>
        <source>The autosave cannot be restored: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="635"/>
        <source>Restored unsaved changes from the autosave.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="640"/>
        <source>&lt;opened&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="641"/>
        <source>Undo History</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="667"/>
        <source>Autosave failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="715"/>
        <source>Cannot open the dataset %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="721"/>
        <source>%1 (data)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="730"/>
        <source>Select a module call in the trace inspector to add its example.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="738"/>
        <source>There is no dataset to add the example to.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="760"/>
        <source>%1%2 — DSPy Workbench</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="767"/>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="768"/>
        <source>&amp;Open…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="770"/>
        <source>Open project</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="770"/>
        <source>DSPy projects (*.dspyproj)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="776"/>
        <source>Open &amp;Recent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="782"/>
        <source>(none)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="787"/>
        <source>&amp;Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="790"/>
        <source>&amp;Edit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="791"/>
        <source>&amp;Undo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="795"/>
        <source>&amp;Redo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="804"/>
        <source>Add Traced Example to Dataset…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="818"/>
        <location filename="../../../widgets/mainwindow.cpp" line="819"/>
        <source>Cannot save the project: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="822"/>
        <source>Saved %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="870"/>
        <source>Program run %1 done (%2 ms)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="871"/>
        <source>Program run %1 failed: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="124"/>
        <location filename="../../../widgets/mainwindow.cpp" line="137"/>
        <source>Runs are not traced: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="278"/>
        <source>Traces</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="296"/>
        <source>Profiles…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dspy::ui::MoveCommand</name>
    <message>
        <location filename="../../../widgets/graph/graphcommands.cpp" line="136"/>
        <source>Move</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/graphcommands.cpp" line="136"/>
        <source>Auto-layout</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dspy::ui::NodePalette</name>
    <message>
        <location filename="../../../widgets/graph/graphview.cpp" line="23"/>
        <source>Drag into the graph, or double-click to add a %1 node</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dspy::ui::ProjectDocument</name>
    <message>
        <location filename="../../../widgets/projectdocument.cpp" line="102"/>
        <source>Untitled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/projectdocument.cpp" line="108"/>
        <source>The project has no file yet; use Save As.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/projectdocument.cpp" line="146"/>
        <source>Cannot read %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/projectdocument.cpp" line="152"/>
        <source>Restore autosave</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dspy::ui::SetNodeDataCommand</name>
    <message>
        <location filename="../../../widgets/graph/graphcommands.cpp" line="183"/>
        <source>Rename</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/graphcommands.cpp" line="184"/>
        <source>Edit signature</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/graphcommands.cpp" line="185"/>
        <source>Edit settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/graphcommands.cpp" line="186"/>
        <source>Edit node</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dspy::ui::SignatureEditor</name>
    <message>
        <location filename="../../../widgets/signatureeditor.cpp" line="75"/>
        <source>Copy messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/signatureeditor.cpp" line="82"/>
        <source>Signature</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/signatureeditor.cpp" line="90"/>
        <source>Preview for</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../../../widgets/signatureeditor.cpp" line="212"/>
        <source>Valid: %n input(s)</source>
        <translation>
            <numerusform>Valid: %n input</numerusform>
            <numerusform>Valid: %n inputs</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../../widgets/signatureeditor.cpp" line="214"/>
        <source>%n output(s)</source>
        <translation>
            <numerusform>%n output</numerusform>
            <numerusform>%n outputs</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../../widgets/signatureeditor.cpp" line="249"/>
        <source>Error at position %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/signatureeditor.cpp" line="251"/>
        <source>Error: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/signatureeditor.cpp" line="267"/>
        <source>Fix the signature to see the messages.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dspy::ui::SignatureLexer</name>
    <message>
        <location filename="../../../widgets/signaturelexer.cpp" line="26"/>
        <source>Default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/signaturelexer.cpp" line="28"/>
        <source>Field name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/signaturelexer.cpp" line="30"/>
        <source>Type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/signaturelexer.cpp" line="32"/>
        <source>Arrow</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/signaturelexer.cpp" line="34"/>
        <source>Punctuation</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dspy::ui::TraceDiffView</name>
    <message>
        <location filename="../../../widgets/tracediffview.cpp" line="51"/>
        <source>Diff of two LM calls</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/tracediffview.cpp" line="79"/>
        <source>[response]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/tracediffview.cpp" line="86"/>
        <source>Diff: %1 ↔ %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dspy::ui::TraceInspector</name>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="169"/>
        <source>Search prompts and responses (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="172"/>
        <source>All kinds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="175"/>
        <source>Errors only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="177"/>
        <source>Cache hits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="181"/>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="202"/>
        <source>Messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="203"/>
        <source>Raw response</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="204"/>
        <source>Parsed fields</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="205"/>
        <source>Usage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="206"/>
        <source>Copy as JSON</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="207"/>
        <location filename="../../../widgets/traceinspector.cpp" line="513"/>
        <source>Diff with…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="208"/>
        <source>Re-send…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="395"/>
        <source>Search failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="437"/>
        <source>Error: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="439"/>
        <source>Latency: %1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="441"/>
        <source>Model: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="443"/>
        <source>Prompt tokens: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="445"/>
        <source>Completion tokens: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="447"/>
        <source>Cost: $%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="448"/>
        <source>Cache: hit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="448"/>
        <source>Cache: miss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="511"/>
        <source>  (example %1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="514"/>
        <source>Second LM call:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="558"/>
        <source>No trace store is open.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dspy::ui::TraceModel</name>
    <message>
        <location filename="../../../widgets/tracemodel.cpp" line="456"/>
        <source>%1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/tracemodel.cpp" line="462"/>
        <source>hit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/tracemodel.cpp" line="462"/>
        <source>miss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/tracemodel.cpp" line="486"/>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/tracemodel.cpp" line="488"/>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/tracemodel.cpp" line="490"/>
        <source>Example</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/tracemodel.cpp" line="492"/>
        <source>Latency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/tracemodel.cpp" line="494"/>
        <source>Tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/tracemodel.cpp" line="496"/>
        <source>Cost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/tracemodel.cpp" line="498"/>
        <source>Cache</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/tracemodel.cpp" line="500"/>
        <source>Error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="416"/>
        <location filename="../../../widgets/tracemodel.cpp" line="437"/>
        <source>Example %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dspy::ui::TraceResendDialog</name>
    <message>
        <location filename="../../../widgets/traceresend.cpp" line="25"/>
        <source>Re-send %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceresend.cpp" line="26"/>
        <source>Role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceresend.cpp" line="26"/>
        <source>Content</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceresend.cpp" line="32"/>
        <source>Add message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceresend.cpp" line="33"/>
        <source>Remove message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceresend.cpp" line="34"/>
        <source>Send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceresend.cpp" line="48"/>
        <source>Sending…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceresend.cpp" line="65"/>
        <source>Old response</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceresend.cpp" line="69"/>
        <source>New response</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceresend.cpp" line="116"/>
        <source>Answered in %1 ms; recorded as span %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceresend.cpp" line="117"/>
        <source>Failed: %1 (recorded as span %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceresend.cpp" line="123"/>
        <source>Failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../main.cpp" line="111"/>
        <source>DSPy Workbench: build, inspect and evaluate LM programs.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../main.cpp" line="116"/>
        <source>Project file (.dspyproj) to open; default: the last one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../main.cpp" line="121"/>
        <source>Render the window offscreen to a PNG file and exit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../main.cpp" line="124"/>
        <source>View to show: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../main.cpp" line="128"/>
        <source>Window size for --screenshot.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../main.cpp" line="132"/>
        <source>Print the time from exec to the first window shown, then exit.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
