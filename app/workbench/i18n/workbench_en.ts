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
        <location filename="../../../widgets/datasetview.cpp" line="70"/>
        <source>Delete row %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="71"/>
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
        <location filename="../../../widgets/graph/graphcommands.cpp" line="229"/>
        <location filename="../../../widgets/graph/graphcommands.cpp" line="246"/>
        <location filename="../../../widgets/graph/graphcommands.cpp" line="254"/>
        <source>no such node</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/graphcommands.cpp" line="231"/>
        <source>&apos;%1&apos; is not a valid node name (letters, digits and _, not starting with a digit)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/graphcommands.cpp" line="238"/>
        <source>a node named &apos;%1&apos; already exists</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/graphcommands.cpp" line="258"/>
        <source>settings must be a JSON object: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/graphcommands.cpp" line="343"/>
        <source>the clipboard holds no graph nodes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/graphcommands.cpp" line="347"/>
        <source>the copied nodes are not valid JSON: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/graphcommands.cpp" line="374"/>
        <source>nothing to paste</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/graphcommands.cpp" line="387"/>
        <source>Paste</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dspy::ui::AddNodeCommand</name>
    <message>
        <location filename="../../../widgets/graph/graphcommands.cpp" line="55"/>
        <source>Add %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dspy::ui::AddToDatasetDialog</name>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="412"/>
        <source>Add to dataset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="413"/>
        <source>Field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="413"/>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="413"/>
        <source>Value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="424"/>
        <source>input</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="424"/>
        <source>label</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="435"/>
        <source>Add</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="436"/>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="444"/>
        <source>Correct the label before adding the example.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dspy::ui::ConnectCommand</name>
    <message>
        <location filename="../../../widgets/graph/graphcommands.cpp" line="111"/>
        <source>Connect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/graphcommands.cpp" line="111"/>
        <source>Disconnect</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dspy::ui::DatasetModel</name>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="131"/>
        <source>The dataset has no file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../../../widgets/datasetview.cpp" line="181"/>
        <source>Delete %n row(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="237"/>
        <source>split</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="242"/>
        <source>%1 (input)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="242"/>
        <source>%1 (label)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="249"/>
        <source>An input field: the program receives it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="250"/>
        <source>A label: the metric compares the prediction with it.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dspy::ui::DatasetView</name>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="334"/>
        <source>Mark %1 as a label</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="335"/>
        <source>Mark %1 as an input</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="342"/>
        <source>Add row</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="343"/>
        <source>Delete rows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="344"/>
        <source>Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="352"/>
        <source>Split</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="363"/>
        <source>Cannot save: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="365"/>
        <source>Saved %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="374"/>
        <source>Train fraction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="376"/>
        <source>Seed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="403"/>
        <source>Cannot split: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/datasetview.cpp" line="405"/>
        <source>train %1, dev %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dspy::ui::DeleteCommand</name>
    <message>
        <location filename="../../../widgets/graph/graphcommands.cpp" line="90"/>
        <source>Disconnect</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dspy::ui::EvaluateView</name>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="67"/>
        <source>first </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="68"/>
        <source> examples</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="69"/>
        <source>Evaluate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="70"/>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="72"/>
        <source>Export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="75"/>
        <source>CSV…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="76"/>
        <source>JSON…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="77"/>
        <source>Chart as PNG…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="85"/>
        <source>Filter results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="90"/>
        <source>#</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="90"/>
        <source>Inputs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="90"/>
        <source>Prediction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="90"/>
        <source>Gold</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="90"/>
        <location filename="../../../widgets/evaluateview.cpp" line="368"/>
        <source>Score</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="90"/>
        <source>Error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="103"/>
        <source>Double-click a row to open its trace</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="107"/>
        <source>Score histogram</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="115"/>
        <source>The project dataset to evaluate the program on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="118"/>
        <source>The project metric that scores it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="133"/>
        <source>Sample</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="243"/>
        <source>Cannot load the sample %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="228"/>
        <location filename="../../../widgets/evaluateview.cpp" line="246"/>
        <source>Evaluate %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="274"/>
        <source>%1 / %2, score %3%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="289"/>
        <source>Stopped: score %1%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="290"/>
        <source>Score %1%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="355"/>
        <source>Examples</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="381"/>
        <location filename="../../../widgets/evaluateview.cpp" line="388"/>
        <source>Nothing evaluated yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="406"/>
        <source>cannot write %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="415"/>
        <source>Export results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="415"/>
        <source>Export chart</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="416"/>
        <source>PNG images (*.png)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="417"/>
        <source>CSV files (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="418"/>
        <source>JSON files (*.json)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/evaluateview.cpp" line="423"/>
        <source>Export failed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dspy::ui::GraphCommands</name>
    <message numerus="yes">
        <location filename="../../../widgets/graph/graphcommands.cpp" line="92"/>
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
        <location filename="../../../widgets/graph/grapheditor.cpp" line="47"/>
        <source>Inputs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/grapheditor.cpp" line="50"/>
        <source>Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/grapheditor.cpp" line="52"/>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/grapheditor.cpp" line="100"/>
        <source>Stopped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/grapheditor.cpp" line="102"/>
        <source>Done in %1 ms: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/grapheditor.cpp" line="103"/>
        <source>Failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/grapheditor.cpp" line="140"/>
        <source>Cannot run:
%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/grapheditor.cpp" line="166"/>
        <source>Run program</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/grapheditor.cpp" line="176"/>
        <source>Running…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dspy::ui::GraphScene</name>
    <message>
        <location filename="../../../widgets/graph/graphscene.cpp" line="46"/>
        <source>pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/graphscene.cpp" line="48"/>
        <source>running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/graphscene.cpp" line="50"/>
        <source>done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/graphscene.cpp" line="52"/>
        <source>failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/graphscene.cpp" line="54"/>
        <source>cached</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/graphscene.cpp" line="56"/>
        <source>skipped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/graphscene.cpp" line="536"/>
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
        <location filename="../../../widgets/lmprofiledialog.cpp" line="50"/>
        <source>from the default price table</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="57"/>
        <source>the provider&apos;s default, e.g. OPENAI_API_KEY</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="60"/>
        <source>stored in the keychain, never in project files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="61"/>
        <source>Test</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="67"/>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="68"/>
        <source>Provider</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="69"/>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="70"/>
        <source>Base URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="71"/>
        <source>Temperature</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="72"/>
        <source>Max tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="73"/>
        <source>Concurrency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="74"/>
        <source>Input price / 1M tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="75"/>
        <source>Output price / 1M tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="76"/>
        <source>Key variable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="77"/>
        <source>API key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="103"/>
        <source>OK in %1 ms: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="104"/>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="114"/>
        <source>Failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="118"/>
        <source>Simulated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="232"/>
        <source>Testing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/lmprofiledialog.cpp" line="245"/>
        <source>Test profile %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dspy::ui::MainWindow</name>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="77"/>
        <source>Simulated LM (offline)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="87"/>
        <source>DSPy Workbench</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="88"/>
        <source>%1 — DSPy Workbench</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="94"/>
        <source>Welcome</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="170"/>
        <source>%1 run %2 started (%3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="174"/>
        <source>Run %1 %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="175"/>
        <source>Run %1 %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="182"/>
        <source>Prediction (%1 ms): %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="203"/>
        <source>&lt;h2&gt;DSPy Workbench&lt;/h2&gt;&lt;p&gt;Open a bundled sample. Each runs offline on the %1.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="218"/>
        <source>Open sample</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="240"/>
        <source>Signatures</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="242"/>
        <source>Programs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="243"/>
        <source>Datasets</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="245"/>
        <source>Metrics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="246"/>
        <source>LM profiles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="247"/>
        <source>Runs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="283"/>
        <source>Project</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="289"/>
        <source>Select an item to see its properties.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="295"/>
        <source>Inspector</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="308"/>
        <source>Log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="309"/>
        <source>Traces / Log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="317"/>
        <source>Main</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="319"/>
        <source>LM: </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="322"/>
        <source>The LM profile runs use</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="335"/>
        <source>Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="338"/>
        <source>Run the current signature on the sample&apos;s first example</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="339"/>
        <location filename="../../../widgets/mainwindow.cpp" line="578"/>
        <source>Evaluate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="342"/>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../../../widgets/mainwindow.cpp" line="362"/>
        <source>%n call(s) in flight</source>
        <translation>
            <numerusform>%n call in flight</numerusform>
            <numerusform>%n calls in flight</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="363"/>
        <source>%1 tokens, $%2 this session</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="366"/>
        <source>cache hits %1%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="402"/>
        <source>&lt;h3&gt;%1&lt;/h3&gt;&lt;p&gt;%2&lt;/p&gt;&lt;p&gt;&lt;b&gt;Signature:&lt;/b&gt; &lt;code&gt;%3&lt;/code&gt;&lt;/p&gt;&lt;p&gt;&lt;b&gt;Inputs:&lt;/b&gt; %4&lt;br&gt;&lt;b&gt;Metric field:&lt;/b&gt; %5&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="410"/>
        <source>&lt;h3&gt;%1&lt;/h3&gt;&lt;p&gt;Model &lt;code&gt;%2&lt;/code&gt;: answers in-process, no network, no cost.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="418"/>
        <source>&lt;h3&gt;%1&lt;/h3&gt;&lt;p&gt;&lt;b&gt;Signature:&lt;/b&gt; &lt;code&gt;%2&lt;/code&gt;&lt;/p&gt;&lt;p&gt;%3&lt;/p&gt;&lt;p&gt;Double-click to edit it; edits are undoable and saved with the project.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="426"/>
        <source>&lt;h3&gt;%1&lt;/h3&gt;&lt;p&gt;&lt;b&gt;File:&lt;/b&gt; &lt;code&gt;%2&lt;/code&gt;&lt;/p&gt;&lt;p&gt;&lt;b&gt;Input keys:&lt;/b&gt; %3&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="432"/>
        <source>&lt;h3&gt;exact_match&lt;/h3&gt;&lt;p&gt;1 when the prediction equals the gold value after normalisation, else 0.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="456"/>
        <location filename="../../../widgets/mainwindow.cpp" line="502"/>
        <source>Signature: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="459"/>
        <source>Opened sample %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="653"/>
        <source>%1 — simulated LM (offline)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="723"/>
        <source>Add LM profile %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="752"/>
        <source>Cannot run: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="758"/>
        <source>Cannot load the sample %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="762"/>
        <source>Run %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="797"/>
        <location filename="../../../widgets/mainwindow.cpp" line="818"/>
        <source>Cannot evaluate %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="823"/>
        <source>Program %1 on %2 (%3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="875"/>
        <source>Restore unsaved changes?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="876"/>
        <source>%1 has unsaved changes from a session that did not end normally. Restore them? (The file itself is unchanged until you save.)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="887"/>
        <source>Unsaved changes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="887"/>
        <source>Save the changes to %1?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="900"/>
        <location filename="../../../widgets/mainwindow.cpp" line="901"/>
        <source>Cannot open the project: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="910"/>
        <source>The autosave cannot be restored: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="912"/>
        <source>Restored unsaved changes from the autosave.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="917"/>
        <source>&lt;opened&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="918"/>
        <source>Undo History</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="946"/>
        <source>Autosave failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="1008"/>
        <source>Cannot open the dataset %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="1014"/>
        <source>%1 (data)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="1023"/>
        <source>Select a module call in the trace inspector to add its example.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="1031"/>
        <source>There is no dataset to add the example to.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="1053"/>
        <source>%1%2 — DSPy Workbench</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="1070"/>
        <location filename="../../../widgets/mainwindow.cpp" line="1092"/>
        <source>no project is open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="1073"/>
        <location filename="../../../widgets/mainwindow.cpp" line="1103"/>
        <source>the project has no program &apos;%1&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="1081"/>
        <location filename="../../../widgets/mainwindow.cpp" line="1084"/>
        <source>cannot write %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="1095"/>
        <source>cannot read %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="1110"/>
        <source>Import %1 into %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="1116"/>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="1117"/>
        <source>&amp;Open…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="1118"/>
        <source>Open project</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="1119"/>
        <source>DSPy projects (*.dspyproj)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="1125"/>
        <source>Open &amp;Recent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="1131"/>
        <source>(none)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="1136"/>
        <source>&amp;Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="1140"/>
        <source>&amp;Export Program as DSPy JSON…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="1143"/>
        <source>Open a program to export it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="1146"/>
        <source>Export %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="1148"/>
        <location filename="../../../widgets/mainwindow.cpp" line="1164"/>
        <source>DSPy program state (*.json)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="1152"/>
        <source>Export failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="1154"/>
        <source>Exported %1 to %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="1157"/>
        <source>&amp;Import DSPy JSON into Program…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="1160"/>
        <source>Open a program to import a DSPy program.save() file into it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="1164"/>
        <source>Import into %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="1169"/>
        <source>Import failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="1171"/>
        <source>Imported %1 into %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="1173"/>
        <source>Import: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="1176"/>
        <source>&amp;Edit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="1177"/>
        <source>&amp;Undo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="1181"/>
        <source>&amp;Redo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="1190"/>
        <source>Add Traced Example to Dataset…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="1204"/>
        <location filename="../../../widgets/mainwindow.cpp" line="1205"/>
        <source>Cannot save the project: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="1208"/>
        <source>Saved %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="1264"/>
        <source>Program run %1 done (%2 ms)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="1265"/>
        <source>Program run %1 failed: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="145"/>
        <location filename="../../../widgets/mainwindow.cpp" line="158"/>
        <source>Runs are not traced: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="307"/>
        <source>Traces</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/mainwindow.cpp" line="325"/>
        <source>Profiles…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dspy::ui::MoveCommand</name>
    <message>
        <location filename="../../../widgets/graph/graphcommands.cpp" line="135"/>
        <source>Move</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/graphcommands.cpp" line="135"/>
        <source>Auto-layout</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dspy::ui::NodeInspector</name>
    <message>
        <location filename="../../../widgets/nodeinspector.cpp" line="122"/>
        <location filename="../../../widgets/nodeinspector.cpp" line="125"/>
        <source>Temperature:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/nodeinspector.cpp" line="123"/>
        <location filename="../../../widgets/nodeinspector.cpp" line="134"/>
        <source>LM default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/nodeinspector.cpp" line="131"/>
        <source>default (0.7)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/nodeinspector.cpp" line="133"/>
        <source>Max tokens:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/nodeinspector.cpp" line="137"/>
        <source>Passages (k):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/nodeinspector.cpp" line="143"/>
        <location filename="../../../widgets/nodeinspector.cpp" line="161"/>
        <location filename="../../../widgets/nodeinspector.cpp" line="170"/>
        <source>default (3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/nodeinspector.cpp" line="146"/>
        <source>Max iterations:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/nodeinspector.cpp" line="152"/>
        <source>default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/nodeinspector.cpp" line="155"/>
        <source>Attempts (M):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/nodeinspector.cpp" line="164"/>
        <source>Attempts (N):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/nodeinspector.cpp" line="173"/>
        <source>Reward threshold:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/nodeinspector.cpp" line="179"/>
        <source>default (1.0)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/nodeinspector.cpp" line="205"/>
        <source>Select one node of a program to edit it here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/nodeinspector.cpp" line="216"/>
        <source>&amp;Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/nodeinspector.cpp" line="221"/>
        <source>question -&gt; answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/nodeinspector.cpp" line="222"/>
        <source>&amp;Signature:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/nodeinspector.cpp" line="238"/>
        <source>&amp;LM:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/nodeinspector.cpp" line="243"/>
        <source>&amp;Predictor:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/nodeinspector.cpp" line="254"/>
        <source>&amp;Instructions:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/nodeinspector.cpp" line="262"/>
        <source>Demos:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/nodeinspector.cpp" line="263"/>
        <source>Clear Demos</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/nodeinspector.cpp" line="275"/>
        <source>Settings (&amp;JSON):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/nodeinspector.cpp" line="378"/>
        <source>the run&apos;s (toolbar profile)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/nodeinspector.cpp" line="382"/>
        <source>%1 (not in this project)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/nodeinspector.cpp" line="488"/>
        <source>(no demos: optimizers add them)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/nodeinspector.cpp" line="529"/>
        <source>Not renamed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/nodeinspector.cpp" line="569"/>
        <source>Edit signature of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/nodeinspector.cpp" line="608"/>
        <source>Edit instructions of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/nodeinspector.cpp" line="619"/>
        <source>Clear demos of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/nodeinspector.cpp" line="635"/>
        <source>Settings not applied: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/nodeinspector.cpp" line="659"/>
        <source>Use the run&apos;s LM for %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/nodeinspector.cpp" line="660"/>
        <source>Use LM %1 for %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/nodeinspector.cpp" line="682"/>
        <source>Set %1 of %2</source>
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
        <location filename="../../../widgets/graph/graphcommands.cpp" line="186"/>
        <source>Edit signature</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/graphcommands.cpp" line="189"/>
        <source>Edit settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/graph/graphcommands.cpp" line="192"/>
        <source>Edit node</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dspy::ui::SignatureEditor</name>
    <message>
        <location filename="../../../widgets/signatureeditor.cpp" line="76"/>
        <source>Copy messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/signatureeditor.cpp" line="83"/>
        <source>Signature</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/signatureeditor.cpp" line="91"/>
        <source>Preview for</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../../../widgets/signatureeditor.cpp" line="221"/>
        <source>Valid: %n input(s)</source>
        <translation>
            <numerusform>Valid: %n input</numerusform>
            <numerusform>Valid: %n inputs</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../../widgets/signatureeditor.cpp" line="223"/>
        <source>%n output(s)</source>
        <translation>
            <numerusform>%n output</numerusform>
            <numerusform>%n outputs</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../../widgets/signatureeditor.cpp" line="258"/>
        <source>Error at position %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/signatureeditor.cpp" line="260"/>
        <source>Error: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/signatureeditor.cpp" line="276"/>
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
        <location filename="../../../widgets/tracediffview.cpp" line="49"/>
        <source>Diff of two LM calls</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/tracediffview.cpp" line="77"/>
        <source>[response]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/tracediffview.cpp" line="84"/>
        <source>Diff: %1 ↔ %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dspy::ui::TraceInspector</name>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="172"/>
        <source>Search prompts and responses (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="175"/>
        <source>All kinds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="178"/>
        <source>Errors only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="180"/>
        <source>Cache hits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="184"/>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="205"/>
        <source>Messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="206"/>
        <source>Raw response</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="207"/>
        <source>Parsed fields</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="208"/>
        <source>Usage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="209"/>
        <source>Copy as JSON</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="210"/>
        <location filename="../../../widgets/traceinspector.cpp" line="560"/>
        <source>Diff with…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="211"/>
        <source>Re-send…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="441"/>
        <source>Search failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="483"/>
        <source>Error: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="485"/>
        <source>Latency: %1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="487"/>
        <source>Model: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="489"/>
        <source>Prompt tokens: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="491"/>
        <source>Completion tokens: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="493"/>
        <source>Cost: $%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="494"/>
        <source>Cache: hit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="494"/>
        <source>Cache: miss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="557"/>
        <source>  (example %1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="560"/>
        <source>Second LM call:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="604"/>
        <source>No trace store is open.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dspy::ui::TraceModel</name>
    <message>
        <location filename="../../../widgets/tracemodel.cpp" line="522"/>
        <source>%1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/tracemodel.cpp" line="528"/>
        <source>hit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/tracemodel.cpp" line="528"/>
        <source>miss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/tracemodel.cpp" line="552"/>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/tracemodel.cpp" line="554"/>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/tracemodel.cpp" line="556"/>
        <source>Example</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/tracemodel.cpp" line="558"/>
        <source>Latency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/tracemodel.cpp" line="560"/>
        <source>Tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/tracemodel.cpp" line="562"/>
        <source>Cost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/tracemodel.cpp" line="564"/>
        <source>Cache</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/tracemodel.cpp" line="566"/>
        <source>Error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceinspector.cpp" line="462"/>
        <location filename="../../../widgets/tracemodel.cpp" line="503"/>
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
        <location filename="../../../widgets/traceresend.cpp" line="117"/>
        <source>Answered in %1 ms; recorded as span %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceresend.cpp" line="118"/>
        <source>Failed: %1 (recorded as span %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../widgets/traceresend.cpp" line="124"/>
        <source>Failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../main.cpp" line="112"/>
        <source>DSPy Workbench: build, inspect and evaluate LM programs.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../main.cpp" line="117"/>
        <source>Project file (.dspyproj) to open; default: the last one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../main.cpp" line="123"/>
        <source>Render the window offscreen to a PNG file and exit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../main.cpp" line="126"/>
        <source>View to show: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../main.cpp" line="130"/>
        <source>Window size for --screenshot.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../main.cpp" line="134"/>
        <source>Print the time from exec to the first window shown, then exit.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
