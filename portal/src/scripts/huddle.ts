/** Runs the huddle dialog: one reflection prompt at a time and a countdown. */
const dialog = document.querySelector<HTMLDialogElement>('[data-huddle]');
const start = document.querySelector<HTMLButtonElement>('[data-huddle-start]');

if (dialog && start) {
  const prompts = [...document.querySelectorAll<HTMLElement>('.doc-body .prompt')];
  const promptBox = dialog.querySelector<HTMLElement>('[data-huddle-prompt]');
  const progress = dialog.querySelector<HTMLElement>('[data-huddle-progress]');
  const timer = dialog.querySelector<HTMLElement>('[data-huddle-timer]');
  const prev = dialog.querySelector<HTMLButtonElement>('[data-huddle-prev]');
  const next = dialog.querySelector<HTMLButtonElement>('[data-huddle-next]');
  const close = dialog.querySelector<HTMLButtonElement>('[data-huddle-close]');
  const total = Number(dialog.dataset.minutes ?? '10') * 60;
  let index = 0;
  let endsAt = 0;
  let tick: ReturnType<typeof setInterval> | undefined;

  const show = () => {
    const prompt = prompts[index];
    if (!promptBox || !progress) return;
    const step = prompt?.closest('.step')?.querySelector('.step-title')?.textContent;
    const text = prompt?.querySelector('.prompt-text')?.cloneNode(true);
    promptBox.replaceChildren(...(text ? [text] : []));
    progress.textContent = `Prompt ${index + 1} of ${prompts.length}${step ? ` · ${step}` : ''}`;
    if (prev) prev.disabled = index === 0;
    if (next) next.textContent = index === prompts.length - 1 ? 'Finish' : 'Next prompt';
  };
  const render = () => {
    const left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    if (timer) {
      timer.textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
      timer.classList.toggle('time-up', left === 0);
    }
  };
  const stop = () => {
    clearInterval(tick);
    if (dialog.open) dialog.close();
  };

  if (prompts.length === 0) start.hidden = true;
  start.addEventListener('click', () => {
    index = 0;
    endsAt = Date.now() + total * 1000;
    show();
    render();
    clearInterval(tick);
    tick = setInterval(render, 1000);
    dialog.showModal();
  });
  prev?.addEventListener('click', () => {
    index = Math.max(0, index - 1);
    show();
  });
  next?.addEventListener('click', () => {
    if (index >= prompts.length - 1) stop();
    else {
      index++;
      show();
    }
  });
  close?.addEventListener('click', stop);
  dialog.addEventListener('close', () => clearInterval(tick));
}
