import { useCallback } from 'react';
import { useAppDispatch } from '../../app/hooks';
import { toastShown, type ToastKind } from './toastsSlice';

export function useToast(): (kind: ToastKind, message: string) => void {
  const dispatch = useAppDispatch();
  return useCallback((kind, message) => dispatch(toastShown(kind, message)), [dispatch]);
}
